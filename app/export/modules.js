"use strict"; // static/js/main.js and what it imports, bundled by esbuild (make bundle)
(() => {
  // static/js/api.js
  var ApiError = class extends Error {
    constructor(status, message, field = null, detail = null) {
      super(message);
      this.name = "ApiError";
      this.status = status;
      this.field = field;
      this.detail = detail;
    }
  };
  async function errorFrom(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
    }
    const message = body?.message || `${response.status} ${response.statusText}`;
    const first = Array.isArray(body?.detail) ? body.detail[0] : null;
    return new ApiError(response.status, message, first?.field ?? null, body?.detail ?? null);
  }
  async function request(method, path, body, signal, headers = {}) {
    const init = { method, signal, headers: { Accept: "application/json", ...headers } };
    if (body !== void 0) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    if (!response.ok) throw await errorFrom(response);
    return response.status === 204 ? null : response.json();
  }
  function getMeta(signal) {
    return request("GET", "/api/meta", void 0, signal);
  }
  function getTrace(config, signal) {
    return request("POST", "/api/trace", config, signal);
  }
  async function uploadWeights(file, signal) {
    const body = new FormData();
    body.append("file", file, file.name);
    const response = await fetch("/api/weights", { method: "POST", body, signal, headers: { Accept: "application/json" } });
    if (!response.ok) throw await errorFrom(response);
    return response.json();
  }
  async function uploadInput(file, targets, signal) {
    const body = new FormData();
    body.append("file", file, file.name);
    if (targets) body.append("targets", targets, targets.name);
    const response = await fetch("/api/input", { method: "POST", body, signal, headers: { Accept: "application/json" } });
    if (!response.ok) throw await errorFrom(response);
    return response.json();
  }
  function getGradcheck(config, signal) {
    return request("POST", "/api/gradcheck", config, signal);
  }
  function getClassroom(signal) {
    return request("GET", "/api/classroom", void 0, signal);
  }
  function classroomQrUrl(link) {
    return `/api/classroom/qr.svg?url=${encodeURIComponent(link)}`;
  }
  var classPath = (id, rest = "") => `/api/class/${encodeURIComponent(id)}${rest}`;
  var teacher = (key) => ({ "X-Class-Key": key });
  function startClass(signal) {
    return request("POST", "/api/class", void 0, signal);
  }
  function getClass(id, signal) {
    return request("GET", classPath(id), void 0, signal);
  }
  function classEventsUrl(id) {
    return classPath(id, "/events");
  }
  function putClassView(id, key, view, signal) {
    return request("PUT", classPath(id, "/view"), { view }, signal, teacher(key));
  }
  function getClassTally(id, key, signal) {
    return request("GET", classPath(id, "/tally"), void 0, signal, teacher(key));
  }
  function openQuestion(id, key, body, signal) {
    return request("POST", classPath(id, "/questions"), body, signal, teacher(key));
  }
  function revealQuestion(id, key, qid, signal) {
    return request("POST", classPath(id, `/questions/${encodeURIComponent(qid)}/reveal`), void 0, signal, teacher(key));
  }
  function closeQuestion(id, key, qid, signal) {
    return request("POST", classPath(id, `/questions/${encodeURIComponent(qid)}/close`), void 0, signal, teacher(key));
  }
  function answerQuestion(id, qid, device, choice, signal) {
    return request("POST", classPath(id, `/questions/${encodeURIComponent(qid)}/answers`), { device, choice }, signal);
  }
  function endClass(id, key, signal) {
    return request("DELETE", classPath(id), void 0, signal, teacher(key));
  }
  function getStrings(lang) {
    return request("GET", `/static/i18n/${encodeURIComponent(lang)}.json`);
  }
  async function getExport(what, format, config, signal) {
    const response = await fetch(`/api/export/${what}.${format}`, {
      method: "POST",
      signal,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(config)
    });
    if (!response.ok) throw await errorFrom(response);
    const disposition = response.headers.get("Content-Disposition") || "";
    const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] || `gradflow-${what}.${format}`;
    return { blob: await response.blob(), filename };
  }
  async function* trainStream(config, signal) {
    const response = await fetch("/api/train/stream", {
      method: "POST",
      signal,
      headers: { Accept: "text/event-stream", "Content-Type": "application/json" },
      body: JSON.stringify(config)
    });
    if (!response.ok) throw await errorFrom(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (; ; ) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event) yield event;
        }
      }
    } finally {
      reader.releaseLock();
    }
  }
  function parseEvent(block) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return null;
    return { event, data: JSON.parse(data.join("\n")) };
  }

  // static/js/i18n.js
  var LANGUAGES = ["en", "ko"];
  var strings = {};
  var current = "en";
  function pickLanguage(urlLang, browserLanguages = navigator.languages || [navigator.language]) {
    if (LANGUAGES.includes(urlLang)) return urlLang;
    for (const tag of browserLanguages) {
      const base = String(tag || "").toLowerCase().split("-")[0];
      if (LANGUAGES.includes(base)) return base;
    }
    return "en";
  }
  async function loadLanguage(lang) {
    strings = await getStrings(lang);
    current = lang;
    return lang;
  }
  function language() {
    return current;
  }
  function has(key) {
    return Object.hasOwn(strings, key);
  }
  function t(key, vars = {}) {
    if (!has(key)) {
      console.error(`i18n: no "${key}" in ${current}.json`);
      return key;
    }
    return strings[key].replace(/\{(\w+)\}/g, (whole, name) => name in vars ? String(vars[name]) : whole);
  }
  function formatNumber(x, digits = 3) {
    if (x === null || x === void 0 || Number.isNaN(x)) return "–";
    const a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(digits - 1);
    return new Intl.NumberFormat(current, { maximumSignificantDigits: digits }).format(x);
  }
  var ATTRIBUTES = [
    ["i18nTitle", "title"],
    ["i18nAriaLabel", "aria-label"],
    ["i18nPlaceholder", "placeholder"]
  ];
  function translatePage(root = document) {
    for (const el2 of root.querySelectorAll("[data-i18n]")) el2.textContent = t(el2.dataset.i18n);
    for (const [dataKey, attr] of ATTRIBUTES) {
      const selector = `[data-${dataKey.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
      for (const el2 of root.querySelectorAll(selector)) el2.setAttribute(attr, t(el2.dataset[dataKey]));
    }
    if (root === document) {
      document.documentElement.lang = current;
      document.title = t("app.title");
    }
  }

  // static/js/badge.js
  var DELAY_MS = 700;
  function uncheckable(reason) {
    const values2 = { step: reason.step === null ? "" : reason.step + 1, param: reason.param ?? "" };
    let because;
    if (reason.code === "forward_overflow") because = t("verify.reason.forward_overflow", values2);
    else if (reason.code === "loss_not_finite") because = t("verify.reason.loss_not_finite", values2);
    else if (reason.code === "gradient_overflow") because = t("verify.reason.gradient_overflow", values2);
    else if (reason.code === "relu_kink") because = t("verify.reason.relu_kink", values2);
    else because = t("verify.reason.derivative_out_of_range", values2);
    return t("verify.uncheckable", { cell: t(`cell.${reason.cell}`), reason: because });
  }
  var VerifyBadge = class {
    /** element: the badge; requestBody(): the gradient-check request for the current state. */
    constructor(element, requestBody) {
      this.element = element;
      this.requestBody = requestBody;
      this.timer = null;
      this.controller = null;
      element.addEventListener("click", () => this.schedule());
    }
    show(state, text, title = t("verify.tooltip")) {
      this.element.dataset.state = state;
      this.element.textContent = text;
      this.element.title = title;
    }
    /** Nothing checked (the configuration was refused). */
    clear() {
      clearTimeout(this.timer);
      this.controller?.abort();
      this.show("idle", t("verify.idle"));
    }
    schedule() {
      clearTimeout(this.timer);
      this.controller?.abort();
      this.show("checking", t("verify.checking"));
      this.timer = setTimeout(() => this.check(), DELAY_MS);
    }
    async check() {
      const controller = new AbortController();
      this.controller = controller;
      try {
        const result = await getGradcheck(this.requestBody(), controller.signal);
        const worst = formatNumber(result.worst_relative_error, 2);
        const title = Object.entries(result.cells).map(
          ([kind, c]) => c.status === "uncheckable" ? uncheckable({ ...c.reason, cell: kind }) : t("verify.cell", { cell: t(`cell.${kind}`), error: formatNumber(c.worst_relative_error, 2), n: c.checks.length })
        ).concat(t("verify.tooltip")).join("\n");
        if (result.status === "passed") this.show("ok", t("verify.ok", { error: worst }), title);
        else if (result.status === "failed") {
          this.show("fail", t("verify.fail", { error: worst, tolerance: formatNumber(result.tolerance, 2) }), title);
        } else this.show("uncheckable", uncheckable(result.reason), title);
      } catch (error) {
        if (error.name !== "AbortError") this.show("error", t("verify.error"), error.message);
      }
    }
  };

  // static/js/charts/common.js
  var COLORS = { rnn: "#D55E00", lstm: "#0072B2", gru: "#009E73" };
  var REFERENCE = "#555555";
  var FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif';
  function overflowAt(cell) {
    if (!cell?.overflow) return null;
    const forward = cell.first_nonfinite_forward ?? null;
    const backward = cell.first_nonfinite_backward ?? null;
    if (backward !== null && (forward === null || backward < forward)) return { side: "backward", step: backward };
    if (forward !== null) return { side: "forward", step: forward };
    return { side: "backward", step: cell.first_nonfinite_step ?? 0 };
  }
  function values(array) {
    return array?.data ?? null;
  }
  function steps(n) {
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  function kindName(ctx, kind) {
    return ctx.t(`cell.${kind}`);
  }
  function scale(ctx) {
    return ctx.projection ? 1.6 : 1;
  }
  function lineWidth(ctx, base = 2) {
    return ctx.projection ? Math.max(4, base * 2) : base;
  }
  function axis(ctx, title, extra = {}) {
    const k = scale(ctx);
    return {
      title: { text: title, font: { size: 12 * k }, standoff: 6 },
      gridcolor: "#e6e8ec",
      linecolor: "#9aa1ab",
      zeroline: false,
      automargin: true,
      tickfont: { size: 11 * k },
      ...extra
    };
  }
  function baseLayout(ctx, { title, x, y, xaxis = {}, yaxis = {}, ...rest }) {
    const k = scale(ctx);
    return {
      title: { text: title, x: 0.01, xanchor: "left", y: 0.98, yanchor: "top", font: { size: 15 * k } },
      font: { family: FONT_FAMILY, size: 12 * k, color: ctx.projection ? "#000" : "#1d2430" },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#ffffff",
      margin: { l: 56 * k, r: 16 * k, t: 52 * k, b: 40 * k },
      // Legend under the plot, at the bottom of the figure; Plotly grows the bottom margin to fit its rows.
      legend: {
        orientation: "h",
        x: 0,
        xanchor: "left",
        xref: "container",
        y: 0,
        yanchor: "bottom",
        yref: "container",
        font: { size: 11 * k }
      },
      hoverlabel: { font: { family: FONT_FAMILY, size: 12 * k } },
      xaxis: axis(ctx, x, xaxis),
      yaxis: axis(ctx, y, yaxis),
      uirevision: "keep",
      // a redraw keeps the reader's zoom
      ...rest
    };
  }
  function emptyFigure(ctx, title, message) {
    const layout = baseLayout(ctx, { title, x: "", y: "" });
    layout.xaxis.visible = false;
    layout.yaxis.visible = false;
    layout.annotations = [
      {
        text: message,
        xref: "paper",
        yref: "paper",
        x: 0.5,
        y: 0.5,
        showarrow: false,
        font: { size: 14 * scale(ctx), color: "#5b6473" }
      }
    ];
    return { data: [], layout };
  }
  function stepLine(ctx, { kind, field, name, y, width = 2.5, dash = "solid", markers = false, ...rest }) {
    const trace = {
      type: "scatter",
      mode: markers ? "lines+markers" : "lines",
      name,
      meta: { cell: kind, field, ...rest.meta },
      x: steps(y.length),
      y,
      line: { color: COLORS[kind], width: lineWidth(ctx, width), dash },
      hovertemplate: `${name}<br>t = %{x}: %{y:${rest.format || ".3~e"}}<extra></extra>`
    };
    if (markers) trace.marker = { size: ctx.projection ? 6 : 4 };
    if (rest.opacity !== void 0) trace.opacity = rest.opacity;
    return trace;
  }
  function stepMarker(t2, label3, { xref = "x", yref = "paper" } = {}) {
    return {
      shape: {
        type: "line",
        xref,
        yref: yref === "paper" ? "paper" : `${yref} domain`,
        x0: t2,
        x1: t2,
        y0: 0,
        y1: 1,
        line: { color: REFERENCE, width: 1.5, dash: "dash" }
      },
      annotation: {
        text: label3,
        xref,
        yref: yref === "paper" ? "paper" : `${yref} domain`,
        x: t2,
        y: 1,
        yanchor: "bottom",
        showarrow: false,
        font: { color: REFERENCE }
      }
    };
  }
  function kindScale(kind, signed = false) {
    const c = COLORS[kind];
    return signed ? [
      [0, "#3b3b3b"],
      [0.5, "#ffffff"],
      [1, c]
    ] : [
      [0, "#ffffff"],
      [1, c]
    ];
  }
  function log10Grid(grid) {
    return grid.map((row) => row.map((v) => v > 0 ? Math.log10(v) : null));
  }
  function domains(n, gap) {
    const width = (1 - gap * (n - 1)) / n;
    return Array.from({ length: n }, (_, i) => [i * (width + gap), i * (width + gap) + width]);
  }
  function subplots(ctx, panels, { cols = panels.length, gapX = 0.1, gapY = 0.2, xTitle = "", yTitle = "" } = {}) {
    const slots = [];
    let col = 0;
    let row = 0;
    for (const panel of panels) {
      const span = Math.min(panel.span || 1, cols);
      if (col + span > cols) {
        row += 1;
        col = 0;
      }
      slots.push({ row, col, span });
      col += span;
    }
    const rows = row + 1;
    const k = scale(ctx);
    const xd = domains(cols, gapX * k);
    const yd = domains(rows, rows > 1 && ctx.projection ? gapY * 1.6 : gapY).reverse();
    const layout = { annotations: [] };
    const ids = panels.map((panel, i) => {
      const { row: r, col: c, span } = slots[i];
      const n = i === 0 ? "" : String(i + 1);
      const id = { x: `x${n}`, y: `y${n}`, xDomain: [xd[c][0], xd[c + span - 1][1]], yDomain: yd[r] };
      const bottom = !slots.some((s) => s.row > r && s.col <= c + span - 1 && s.col + s.span - 1 >= c);
      layout[`xaxis${n}`] = axis(ctx, bottom ? panel.xTitle ?? xTitle : "", { domain: id.xDomain, anchor: id.y });
      const labelled = c === 0 || Boolean(panel.yTitle);
      layout[`yaxis${n}`] = axis(ctx, labelled ? panel.yTitle ?? yTitle : "", {
        domain: id.yDomain,
        anchor: id.x,
        showticklabels: labelled
      });
      layout.annotations.push({
        text: panel.title,
        xref: "paper",
        yref: "paper",
        x: id.xDomain[0],
        y: id.yDomain[1],
        xanchor: "left",
        yanchor: "bottom",
        showarrow: false,
        font: { size: 12.5 * k, color: panel.color || "#1d2430" }
      });
      return id;
    });
    return { ids, layout };
  }
  function colorbar(ctx, id, { log = false, zmin, zmax, title = "" } = {}) {
    const bar = {
      x: id.xDomain[1] + 8e-3,
      xanchor: "left",
      y: (id.yDomain[0] + id.yDomain[1]) / 2,
      len: id.yDomain[1] - id.yDomain[0],
      thickness: 9 * scale(ctx),
      outlinewidth: 0,
      nticks: 5,
      tickfont: { size: 10 * scale(ctx) },
      title: { text: title, side: "right", font: { size: 10 * scale(ctx) } }
    };
    if (log && Number.isFinite(zmin) && Number.isFinite(zmax)) {
      const lo = Math.ceil(zmin);
      const hi = Math.floor(zmax);
      const every = Math.max(1, Math.ceil((hi - lo + 1) / 5));
      const ticks = [];
      for (let e = lo; e <= hi; e += every) ticks.push(e);
      bar.tickvals = ticks;
      bar.ticktext = ticks.map((e) => `10<sup>${e}</sup>`);
    }
    return bar;
  }
  function extent(...grids) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const grid of grids) {
      for (const row of grid) {
        for (const v of row) {
          if (v === null || !Number.isFinite(v)) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    return lo <= hi ? [lo, hi] : [0, 1];
  }
  function logAxis(traces, headroom = 0.3) {
    const logs = traces.flatMap((d) => d.y.filter((v) => v > 0).map(Math.log10));
    if (!logs.length) return { type: "log", exponentformat: "power" };
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of logs) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = [Math.floor(lo - 0.3), Math.ceil(hi + headroom)];
    return { type: "log", exponentformat: "power", range, dtick: Math.max(1, Math.ceil((range[1] - range[0]) / 8)) };
  }
  var PLOTLY_CONFIG = {
    responsive: true,
    displayModeBar: false,
    displaylogo: false,
    scrollZoom: false
  };
  function heatmap(ctx, opts) {
    const { id, grid, x, y, kind, log = false, signed = false, transpose = false, zmin, zmax } = opts;
    const { label: label3, xLabel, yLabel, barTitle = "", showscale = true, meta } = opts;
    const shown = log ? "%{customdata:.3~e}" : "%{z:.3~g}";
    return {
      type: "heatmap",
      x,
      y,
      z: log ? log10Grid(grid) : grid,
      customdata: log ? grid : void 0,
      transpose,
      zmin,
      zmax,
      zmid: signed ? 0 : void 0,
      colorscale: kindScale(kind, signed),
      showscale,
      colorbar: colorbar(ctx, id, { log, zmin, zmax, title: barTitle }),
      xaxis: id.x,
      yaxis: id.y,
      hoverongaps: false,
      name: label3,
      meta,
      hovertemplate: `${label3}<br>${xLabel} %{x}, ${yLabel} %{y}: ${shown}<extra></extra>`
    };
  }
  var PROJECTION_TEXT = 24;
  var PROJECTION_LINE = 4;
  var AXIS_KEY = /^([xy])axis(\d*)$/;
  function integerStep(lo, hi, most = 6) {
    const raw = Math.max(1, (hi - lo) / most);
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  }
  function atLeast(font, px) {
    return { ...font || {}, size: Math.max(font?.size ?? 0, px) };
  }
  function wrapLong(name, most = 28) {
    if (typeof name !== "string" || name.length <= most || name.includes("<br>")) return name;
    const spaces = [...name.matchAll(/ /g)].map((m) => m.index);
    if (!spaces.length) return name;
    const cut = spaces.reduce((a, b) => Math.abs(b - name.length / 2) < Math.abs(a - name.length / 2) ? b : a);
    return `${name.slice(0, cut)}<br>${name.slice(cut + 1)}`;
  }
  function fullScripts(text, px) {
    return typeof text === "string" ? text.replace(/<(sub|sup)>(?!<span)(.*?)<\/\1>/g, `<$1><span style="font-size:${px}px">$2</span></$1>`) : text;
  }
  function decadeLabels(axis2, px) {
    const [lo, hi] = axis2.range;
    const every = Math.max(axis2.dtick || 1, Math.ceil((hi - lo) / 5));
    const tickvals = [];
    for (let e = Math.ceil(lo); e <= Math.floor(hi); e += every) tickvals.push(e);
    return {
      tickmode: "array",
      tickvals: tickvals.map((e) => 10 ** e),
      ticktext: tickvals.map((e) => e === 0 ? "1" : `10<sup><span style="font-size:${px}px">${e < 0 ? "−" : ""}${Math.abs(e)}</span></sup>`)
    };
  }
  function finish(figure, ctx) {
    const layout = { ...figure.layout };
    const data = figure.data.map((trace) => ({ ...trace }));
    for (const trace of data) {
      if (trace.type !== "heatmap") continue;
      for (const [letter, values_] of [["x", trace.x], ["y", trace.y]]) {
        if (!values_?.length || !values_.every(Number.isInteger)) continue;
        const ref = trace[`${letter}axis`] || letter;
        const key = `${letter}axis${ref.slice(1)}`;
        const lo = Math.min(...values_);
        const hi = Math.max(...values_);
        const [d0, d1] = layout[key]?.domain || [0, 1];
        const most = letter === "x" && ctx.projection ? Math.max(1, Math.floor((d1 - d0) / 0.15)) : 6;
        const dtick = integerStep(lo, hi, most);
        layout[key] = { ...layout[key], tick0: dtick > 1 ? 0 : lo, dtick, tickformat: "d", tickangle: 0 };
      }
    }
    if (!ctx.projection) return { data, layout };
    const px = PROJECTION_TEXT;
    layout.font = atLeast(layout.font, px);
    layout.legend = { ...layout.legend, font: atLeast(layout.legend?.font, px) };
    if (layout.title) {
      const text = wrapLong(layout.title.text, 32);
      const lines = typeof text === "string" ? text.split("<br>").length : 1;
      layout.title = { ...layout.title, text: fullScripts(text, px), font: atLeast(layout.title.font, px), pad: { t: 8 + 10 * (lines - 1) } };
      if (lines > 1) layout.margin = { ...layout.margin, t: Math.max(layout.margin?.t ?? 0, 44 * lines + 8) };
    }
    for (const key of Object.keys(layout)) {
      if (!AXIS_KEY.test(key)) continue;
      const axis2 = { ...layout[key] };
      axis2.tickfont = atLeast(axis2.tickfont, px);
      if (axis2.title) axis2.title = { ...axis2.title, text: fullScripts(axis2.title.text, px), font: atLeast(axis2.title.font, px) };
      if (axis2.type === "log" && Array.isArray(axis2.range)) Object.assign(axis2, decadeLabels(axis2, px));
      layout[key] = axis2;
    }
    layout.annotations = (layout.annotations || []).map((a) => ({ ...a, text: fullScripts(a.text, px), font: atLeast(a.font, px), arrowwidth: a.showarrow ? Math.max(a.arrowwidth || 0, 3) : a.arrowwidth }));
    layout.shapes = (layout.shapes || []).map((s) => ({ ...s, line: { ...s.line, width: Math.max(s.line?.width ?? 0, PROJECTION_LINE) } }));
    for (const trace of data) {
      trace.name = fullScripts(wrapLong(trace.name), px);
      if (trace.line) trace.line = { ...trace.line, width: Math.max(trace.line.width ?? 0, PROJECTION_LINE) };
      if (trace.colorbar) {
        const bar = { ...trace.colorbar, tickfont: atLeast(trace.colorbar.tickfont, px) };
        if (bar.title) bar.title = { ...bar.title, text: fullScripts(bar.title.text, px), font: atLeast(bar.title.font, px) };
        if (bar.ticktext) bar.ticktext = bar.ticktext.map((text) => fullScripts(text, px));
        bar.thickness = Math.max(bar.thickness ?? 0, 18);
        bar.len = (bar.len ?? 1) * 0.8;
        trace.colorbar = bar;
      }
    }
    return { data, layout };
  }

  // static/js/charts/characters.js
  var VISIBLE = { " ": "␣", "\n": "↵", "	": "⇥" };
  function visible(ch) {
    return VISIBLE[ch] ?? ch;
  }
  function tickLabel(ch, size) {
    const shown = visible(ch);
    return shown === ch ? ch : `<span style="font-size:${Math.round(size * 1.5)}px">${shown}</span>`;
  }
  function argmax(row) {
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
    return best;
  }
  function stepCharacters(trace) {
    const vocabulary = trace?.task?.vocabulary;
    const inputs = values(trace?.example?.inputs);
    if (!vocabulary || !inputs?.length) return null;
    return inputs.map((row) => vocabulary[argmax(row)]);
  }
  function stepPredictions(trace, kind) {
    const vocabulary = trace?.task?.vocabulary;
    const outputs = values(trace?.cells?.[kind]?.outputs);
    const targets = values(trace?.example?.targets);
    if (!vocabulary || !outputs || !targets || trace.config?.output !== "softmax") return null;
    return outputs.map((row, t2) => {
      const top = argmax(row);
      const target = Array.isArray(targets[t2]) ? argmax(targets[t2]) : targets[t2];
      return { top: vocabulary[top], p: row[top], next: vocabulary[target] };
    });
  }
  function mostLabels(ctx) {
    return ctx.projection ? 24 : ctx.narrow ? 16 : 48;
  }
  function withCharacters(figure, trace, ctx, { predict = true } = {}) {
    const chars = stepCharacters(trace);
    if (!chars) return figure;
    const T = chars.length;
    const size = ctx.projection ? 24 : 14;
    const every = Math.ceil(T / mostLabels(ctx));
    const tickvals = steps(T).filter((t2) => (t2 - 1) % every === 0);
    const ticks = {
      tickmode: "array",
      tickvals,
      ticktext: tickvals.map((t2) => tickLabel(chars[t2 - 1], size)),
      tickangle: 0
    };
    const layout = { ...figure.layout };
    const data = figure.data.map((trace_) => ({ ...trace_ }));
    const predicted = {};
    for (const d of data) {
      const x = d.x;
      if (!Array.isArray(x) || !x.length || !x.every((v) => Number.isInteger(v) && v >= 1 && v <= T)) continue;
      const key = `xaxis${(d.xaxis || "x").slice(1)}`;
      const axis2 = layout[key] || {};
      const title = axis2.title?.text === ctx.t("axis.t") ? { ...axis2.title, text: ctx.t("axis.t_chars") } : axis2.title;
      layout[key] = { ...axis2, ...ticks, title, tickfont: { ...axis2.tickfont, size: Math.max(axis2.tickfont?.size ?? 0, size) } };
      const kind = d.meta?.cell;
      if (!predict || !kind || !(d.type === "scatter" || d.type === "bar") || !d.hovertemplate) continue;
      predicted[kind] ??= stepPredictions(trace, kind);
      const rows = predicted[kind];
      if (!rows) continue;
      d.customdata = x.map(
        (t2) => ctx.t("chart.chars.hover", {
          input: visible(chars[t2 - 1]),
          top: visible(rows[t2 - 1].top),
          p: ctx.fmt(rows[t2 - 1].p, 2),
          next: visible(rows[t2 - 1].next)
        })
      );
      d.hovertemplate = d.hovertemplate.replace("<extra>", "<br>%{customdata}<extra>");
    }
    return { data, layout };
  }

  // static/js/charts/connectivity.js
  function connectivity(trace, ctx) {
    const title = ctx.t("chart.connectivity.title");
    if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const cells = Object.entries(trace.cells).filter(([, cell]) => values(cell.connectivity));
    if (!cells.length) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const xLabel = ctx.t("axis.s");
    const yLabel = ctx.t("axis.t");
    const { ids, layout: grid } = subplots(
      ctx,
      cells.map(([kind]) => ({ title: kindName(ctx, kind), color: COLORS[kind] })),
      { cols: ctx.narrow ? 1 : cells.length, gapX: 0.09, gapY: 0.1, xTitle: xLabel, yTitle: yLabel }
    );
    const [zmin, zmax] = extent(...cells.map(([, cell]) => log10Grid(values(cell.connectivity))));
    const data = cells.map(([kind, cell], i) => {
      const stepsShown = (cell.connectivity.steps || []).map((s) => s + 1);
      return heatmap(ctx, {
        id: ids[i],
        grid: values(cell.connectivity),
        x: stepsShown,
        y: stepsShown,
        kind,
        log: true,
        zmin,
        zmax,
        meta: { cell: kind, field: "connectivity" },
        label: ctx.t("chart.connectivity.hover", { cell: kindName(ctx, kind) }),
        xLabel,
        yLabel
      });
    });
    const layout = { ...baseLayout(ctx, { title, x: xLabel, y: yLabel }), ...grid };
    layout.margin = { ...layout.margin, r: 48 };
    return { data, layout };
  }

  // static/js/charts/curves.js
  function reference(ctx, y, name, x, { xaxis = "x", yaxis = "y", dash = "dash" } = {}) {
    return {
      type: "scatter",
      mode: "lines",
      name,
      meta: { reference: name },
      x: [x[0], x[x.length - 1]],
      y: [y, y],
      xaxis,
      yaxis,
      line: { color: REFERENCE, width: lineWidth(ctx, 1.5), dash },
      hoverinfo: "skip"
    };
  }
  function trainingCurves(run2, ctx) {
    const title = ctx.t("chart.curves.title");
    const snapshots = run2?.snapshots || [];
    if (!snapshots.length) return emptyFigure(ctx, title, ctx.t("chart.needs_training"));
    const task = run2.task || {};
    const kinds = Object.keys(snapshots[0].cells);
    const withAccuracy = kinds.some((k) => snapshots.some((s) => s.cells[k]?.test_accuracy != null));
    const x = snapshots.map((s) => s.step);
    const data = [];
    for (const kind of kinds) {
      const cellOf = (s) => s.cells[kind] || {};
      const series = [
        ["train_loss", "chart.curves.train_loss", "solid", "y"],
        ["test_loss", "chart.curves.test_loss", "dash", "y"]
      ];
      if (withAccuracy) series.push(["test_accuracy", "chart.curves.test_accuracy", "solid", "y2"]);
      for (const [field, key, dash, yaxis] of series) {
        const name = ctx.t(key, { cell: kindName(ctx, kind) });
        data.push({
          type: "scatter",
          mode: "lines",
          name,
          meta: { cell: kind, field },
          x,
          y: snapshots.map((s) => cellOf(s)[field] ?? null),
          xaxis: yaxis === "y" ? "x" : "x2",
          yaxis,
          line: { color: COLORS[kind], width: lineWidth(ctx, dash === "solid" ? 2.2 : 1.6), dash },
          legendgroup: kind,
          showlegend: yaxis === "y",
          hovertemplate: `${name}<br>${ctx.t("axis.iteration")} %{x}: %{y:.4~g}<extra></extra>`
        });
      }
    }
    const layout = baseLayout(ctx, {
      title,
      x: ctx.t("axis.iteration"),
      y: ctx.t("chart.curves.y_loss"),
      yaxis: logAxis(data.filter((d) => d.yaxis === "y").concat({ y: [task.baseline, task.threshold] })),
      hovermode: "closest"
    });
    if (task.baseline != null) {
      data.push(reference(ctx, task.baseline, ctx.t("chart.curves.baseline", { value: ctx.fmt(task.baseline) }), x));
    }
    if (task.threshold != null) {
      data.push(reference(ctx, task.threshold, ctx.t("chart.curves.threshold", { value: ctx.fmt(task.threshold) }), x, { dash: "dot" }));
    }
    if (withAccuracy) {
      layout.xaxis.domain = ctx.projection ? [0, 0.48] : [0, 0.55];
      layout.xaxis2 = { ...layout.xaxis, domain: ctx.projection ? [0.72, 1] : [0.7, 1], anchor: "y2" };
      layout.yaxis2 = axis(ctx, ctx.t("chart.curves.y_accuracy"), { anchor: "x2", range: [0, 1.05], tickformat: ".0%" });
      if (task.chance_accuracy != null) {
        const label3 = ctx.t("chart.curves.chance", { value: ctx.fmt(task.chance_accuracy) });
        data.push(reference(ctx, task.chance_accuracy, label3, x, { xaxis: "x2", yaxis: "y2" }));
      }
    }
    return { data, layout };
  }

  // static/js/charts/contrib.js
  var PATTERNS = ["", "/", "x", ".", "\\"];
  function weightGradContributions(trace, ctx) {
    const title = ctx.t("chart.contrib.title");
    if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const data = [];
    for (const [kind, cell] of Object.entries(trace.cells)) {
      Object.entries(cell.weight_grad || {}).forEach(([param, array], i) => {
        const y = values(array);
        if (!y) return;
        const name = ctx.t("chart.contrib.trace", { cell: kindName(ctx, kind), param });
        data.push({
          type: "bar",
          name,
          meta: { cell: kind, field: `weight_grad.${param}` },
          x: steps(y.length),
          y,
          marker: { color: COLORS[kind], pattern: { shape: PATTERNS[i % PATTERNS.length], fgcolor: "#ffffff" } },
          visible: i === 0 ? true : "legendonly",
          hovertemplate: `${name}<br>t = %{x}: %{y:.3~e}<extra></extra>`
        });
      });
    }
    const layout = baseLayout(ctx, {
      title,
      x: ctx.t("axis.t"),
      y: ctx.t("chart.contrib.y"),
      yaxis: logAxis(data),
      barmode: "group",
      bargap: 0.15,
      hovermode: "closest"
    });
    return { data, layout };
  }

  // static/js/charts/error.js
  function stepLossBars(trace, ctx, nameKey) {
    return Object.entries(trace.cells).map(([kind, cell]) => {
      const y = values(cell.step_loss);
      if (!y) return null;
      const name = ctx.t(nameKey, { cell: kindName(ctx, kind) });
      return {
        type: "bar",
        name,
        meta: { cell: kind, field: "step_loss" },
        x: steps(y.length),
        y,
        marker: { color: COLORS[kind] },
        hovertemplate: `${name}<br>t = %{x}: %{y:.4~g}<extra></extra>`
      };
    }).filter(Boolean);
  }
  function stepError(trace, ctx) {
    const title = ctx.t("chart.error.title");
    if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const data = stepLossBars(trace, ctx, "chart.error.trace");
    const loss = trace.config?.loss === "ce" ? "chart.error.y_ce" : "chart.error.y_mse";
    return { data, layout: baseLayout(ctx, { title, x: ctx.t("axis.t"), y: ctx.t(loss), barmode: "group", bargap: 0.15, hovermode: "closest" }) };
  }

  // static/js/charts/flow.js
  function gradientFlow(source, ctx) {
    const title = source?.step !== void 0 ? ctx.t("chart.flow.title_training", { step: source.step }) : ctx.t("chart.flow.title");
    if (!source?.cells) return emptyFigure(ctx, ctx.t("chart.flow.title"), ctx.t("chart.no_data"));
    const data = [];
    const markers = [];
    const notes = [];
    for (const [kind, cell] of Object.entries(source.cells)) {
      const grad = values(cell.grad_hidden_norm);
      if (!grad) continue;
      const cellName = kindName(ctx, kind);
      const name = ctx.t("chart.flow.trace_h", { cell: cellName });
      data.push(stepLine(ctx, { kind, field: "grad_hidden_norm", name, y: grad, markers: true }));
      const gradCell = values(cell.grad_cell_norm);
      if (gradCell) {
        const cname = ctx.t("chart.flow.trace_c", { cell: cellName });
        data.push(stepLine(ctx, { kind, field: "grad_cell_norm", name: cname, y: gradCell, width: 2, dash: "dot" }));
      }
      const bound = values(cell.grad_hidden_bound);
      if (bound) {
        const bname = ctx.t("chart.flow.trace_bound", { cell: cellName });
        data.push(stepLine(ctx, { kind, field: "grad_hidden_bound", name: bname, y: bound, width: 1.5, dash: "dash", opacity: 0.7 }));
      }
      const broken = overflowAt(cell);
      if (broken) {
        markers.push(stepMarker(broken.step + 1, ctx.t("chart.overflow_marker", { cell: cellName })));
        const words = { cell: cellName, step: broken.step + 1 };
        const note = broken.side === "forward" ? ctx.t("chart.flow.no_finite_forward", words) : ctx.t("chart.flow.no_finite_backward", words);
        if (grad.every((v) => v === null)) notes.push(note);
      }
    }
    for (const { label: label3, cells } of source.compare || []) {
      for (const [kind, cell] of Object.entries(cells)) {
        const grad = values(cell.grad_hidden_norm);
        if (!grad) continue;
        const name = ctx.t("chart.flow.trace_compare", { cell: kindName(ctx, kind), label: label3 });
        data.push(stepLine(ctx, { kind, field: "grad_hidden_norm", name, y: grad, dash: "longdash", meta: { compare: label3 } }));
      }
    }
    const layout = baseLayout(ctx, {
      title,
      x: ctx.t("axis.t"),
      y: ctx.t("chart.flow.y"),
      // fitted to the gradients, a decade to spare: a loose bound (σ_max well above the spectral radius)
      // runs out of the top instead of flattening every curve
      yaxis: logAxis(data.filter((d) => d.meta.field !== "grad_hidden_bound"), 1),
      hovermode: "closest"
    });
    layout.shapes = markers.map((m) => m.shape);
    layout.annotations = markers.map((m) => m.annotation);
    notes.forEach(
      (text, i) => layout.annotations.push({
        text,
        xref: "paper",
        yref: "paper",
        x: 0.5,
        y: 0.9 - 0.1 * i,
        showarrow: false,
        font: { color: "#1d2430", size: 13 },
        bgcolor: "rgba(255,255,255,0.85)"
      })
    );
    return { data, layout };
  }
  function flowReadout(trace, ctx) {
    if (!trace?.cells) return "";
    return Object.entries(trace.cells).filter(([, cell]) => cell.spectral_radius !== null && cell.spectral_radius !== void 0).map(
      ([kind, cell]) => ctx.t("chart.flow.readout", {
        cell: kindName(ctx, kind),
        rho: ctx.fmt(cell.spectral_radius),
        sigma: ctx.fmt(cell.sigma_max)
      })
    ).join("  ·  ");
  }
  function flowCaption(source, ctx) {
    const cells = source?.cells;
    if (!cells) return ctx.t("chart.flow.caption.intro");
    const parts = [ctx.t("chart.flow.caption.intro")];
    const reach = (curve2) => {
      const y = values(curve2);
      return y?.length && y[0] !== null && y[y.length - 1] ? y[0] / y[y.length - 1] : null;
    };
    for (const [kind, cell] of Object.entries(cells)) {
      const ratio = reach(cell.grad_hidden_norm);
      if (ratio === null) continue;
      const fmt = (x) => ctx.fmt(x, 2);
      if (kind === "rnn") {
        parts.push(ratio < 1 ? ctx.t("chart.flow.caption.rnn_vanishing", { left: fmt(ratio) }) : ctx.t("chart.flow.caption.rnn_growing", { growth: fmt(ratio) }));
      } else {
        const key = ratio < 1 ? "chart.flow.caption.gated_left" : "chart.flow.caption.gated_growing";
        parts.push(ctx.t(key, { cell: kindName(ctx, kind), left: fmt(ratio), growth: fmt(ratio) }));
      }
      if (kind === "lstm" && values(cell.grad_cell_norm)) parts.push(ctx.t("chart.flow.caption.cell_dotted"));
      if (kind === "rnn" && values(cell.grad_hidden_bound)) parts.push(ctx.t("chart.flow.caption.bound"));
    }
    return parts.join(" ");
  }

  // static/js/charts/gates.js
  var SHOWN = { lstm: ["f", "i", "g", "o"], gru: ["z", "r"] };
  var SIGNED = /* @__PURE__ */ new Set(["g", "n"]);
  var KEEPS = { lstm: "f", gru: "z" };
  function gates(trace, ctx) {
    const title = ctx.t("chart.gates.title");
    if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const panels = [];
    const lines = [];
    for (const [kind, cell] of Object.entries(trace.cells)) {
      for (const gate of SHOWN[kind] || []) {
        const grid2 = values(cell.gates?.[gate]);
        if (grid2) {
          const label3 = ctx.t(`gate.${kind}.${gate}`);
          panels.push({ kind, cell, gate, grid: grid2, title: label3, hover: `${kindName(ctx, kind)} · ${label3}`, color: COLORS[kind] });
        }
      }
      const mean = values(cell.gate_means?.[KEEPS[kind]]);
      if (mean) lines.push({ kind, gate: KEEPS[kind], mean });
    }
    if (!panels.length) return emptyFigure(ctx, title, ctx.t("chart.gates.none"));
    const xLabel = ctx.t("axis.t");
    const yLabel = ctx.t("axis.unit");
    const all = [...panels, { title: ctx.t("chart.gates.mean_panel"), span: 2, yTitle: " " }];
    const wrap = ctx.narrow || ctx.projection;
    const { ids, layout: grid } = subplots(ctx, all, { cols: wrap ? 2 : 4, gapX: wrap ? 0.16 : 0.09, gapY: wrap ? 0.12 : 0.22, xTitle: xLabel, yTitle: yLabel });
    const data = panels.map(
      (p, i) => heatmap(ctx, {
        id: ids[i],
        grid: p.grid,
        transpose: true,
        x: steps(p.grid.length),
        y: p.cell.units,
        kind: p.kind,
        signed: SIGNED.has(p.gate),
        zmin: SIGNED.has(p.gate) ? -1 : 0,
        zmax: 1,
        meta: { cell: p.kind, field: `gates.${p.gate}` },
        label: p.hover,
        xLabel,
        yLabel,
        // one colour bar per kind (all its gates share 0…1), beside its last panel
        showscale: panels[i + 1]?.kind !== p.kind
      })
    );
    const lineId = ids[ids.length - 1];
    for (const { kind, gate, mean } of lines) {
      const name = ctx.t("chart.gates.mean_trace", { cell: kindName(ctx, kind), gate: ctx.t(`gate.${kind}.${gate}`) });
      const line = stepLine(ctx, { kind, field: `gate_means.${gate}`, name, y: mean, width: 2.2, format: ".3f" });
      data.push({ ...line, xaxis: lineId.x, yaxis: lineId.y });
    }
    const layout = { ...baseLayout(ctx, { title, x: xLabel, y: yLabel }), ...grid };
    const n = ids.length === 1 ? "" : String(ids.length);
    layout[`yaxis${n}`] = { ...layout[`yaxis${n}`], range: [0, 1] };
    layout.showlegend = false;
    layout.margin = { ...layout.margin, r: 40 };
    return { data, layout };
  }
  function gatesCaption(trace, ctx) {
    const kinds = Object.keys(trace?.cells || {}).filter((kind) => SHOWN[kind]);
    if (!kinds.length) return ctx.t("chart.gates.none");
    return [...kinds.map((kind) => ctx.t(`chart.gates.caption_${kind}`)), ctx.t("chart.gates.caption")].join(" ");
  }

  // static/js/charts/hidden.js
  function hiddenStates(trace, ctx) {
    const title = ctx.t("chart.hidden.title");
    if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const panels = [];
    for (const [kind, cell] of Object.entries(trace.cells)) {
      const name = kindName(ctx, kind);
      panels.push({ kind, cell, field: "hidden", grid: values(cell.hidden), title: ctx.t("chart.hidden.panel_h", { cell: name }) });
      if (values(cell.cell)) panels.push({ kind, cell, field: "cell", grid: values(cell.cell), title: ctx.t("chart.hidden.panel_c", { cell: name }) });
    }
    const xLabel = ctx.t("axis.t");
    const yLabel = ctx.t("axis.unit");
    const { ids, layout: grid } = subplots(
      ctx,
      panels.map((p) => ({ title: p.title, color: COLORS[p.kind] })),
      { cols: ctx.narrow ? Math.min(2, panels.length) : panels.length, gapX: ctx.narrow ? 0.16 : 0.08, gapY: 0.14, xTitle: xLabel, yTitle: yLabel }
    );
    const data = panels.map((p, i) => {
      const [lo, hi] = extent(p.grid);
      const reach = Math.max(Math.abs(lo), Math.abs(hi), 1e-12);
      return heatmap(ctx, {
        id: ids[i],
        grid: p.grid,
        transpose: true,
        x: steps(p.grid.length),
        y: p.cell.units,
        kind: p.kind,
        signed: true,
        zmin: -reach,
        zmax: reach,
        meta: { cell: p.kind, field: p.field },
        label: p.title,
        xLabel,
        yLabel
      });
    });
    const layout = { ...baseLayout(ctx, { title, x: xLabel, y: yLabel }), ...grid };
    layout.margin = { ...layout.margin, r: 40 };
    return { data, layout };
  }
  function hiddenCaption(trace, ctx) {
    const kinds = Object.keys(trace?.cells || {});
    return [
      ctx.t("chart.hidden.caption"),
      ...["rnn", "lstm", "gru"].filter((kind) => kinds.includes(kind)).map((kind) => ctx.t(`chart.hidden.caption_${kind}`))
    ].join(" ");
  }

  // static/js/charts/jacobian.js
  function jacobianNorms(trace, ctx) {
    const title = ctx.t("chart.jacobian.title");
    if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const data = [];
    for (const [kind, cell] of Object.entries(trace.cells)) {
      const cellName = kindName(ctx, kind);
      const norm = values(cell.jacobian_norm);
      if (norm) data.push(stepLine(ctx, { kind, field: "jacobian_norm", name: ctx.t(kind === "lstm" ? "chart.jacobian.trace_norm_lstm" : "chart.jacobian.trace_norm", { cell: cellName }), y: norm }));
      const bound = values(cell.jacobian_bound);
      if (bound) {
        const name = ctx.t("chart.jacobian.trace_bound", { cell: cellName });
        data.push(stepLine(ctx, { kind, field: "jacobian_bound", name, y: bound, width: 1.5, dash: "dash" }));
      }
    }
    const layout = baseLayout(ctx, {
      title,
      x: ctx.t("axis.t"),
      y: ctx.t("chart.jacobian.y"),
      yaxis: logAxis(data),
      hovermode: "closest"
    });
    return { data, layout };
  }

  // static/js/charts/training.js
  function gradientOverTraining(run2, ctx) {
    const title = ctx.t("chart.training.title");
    const snapshots = run2?.snapshots || [];
    if (!snapshots.length) return emptyFigure(ctx, title, ctx.t("chart.needs_training"));
    const kinds = Object.keys(snapshots[0].cells);
    const grids = kinds.map((kind) => snapshots.map((s) => values(s.cells[kind]?.grad_hidden_norm) || []));
    const [zmin, zmax] = extent(...grids.map(log10Grid));
    const xLabel = ctx.t("axis.t");
    const yLabel = ctx.t("axis.iteration");
    const { ids, layout: grid } = subplots(
      ctx,
      kinds.map((kind) => ({ title: kindName(ctx, kind), color: COLORS[kind] })),
      { cols: 1, gapY: 0.16, xTitle: xLabel, yTitle: yLabel }
    );
    const iterations = snapshots.map((s) => s.step);
    const data = kinds.map(
      (kind, i) => heatmap(ctx, {
        id: ids[i],
        grid: grids[i],
        x: steps(grids[i][0]?.length || 0),
        y: iterations,
        kind,
        log: true,
        zmin,
        zmax,
        meta: { cell: kind, field: "grad_hidden_norm" },
        label: ctx.t("chart.training.hover", { cell: kindName(ctx, kind) }),
        xLabel,
        yLabel
      })
    );
    const layout = { ...baseLayout(ctx, { title, x: xLabel, y: yLabel }), ...grid };
    layout.margin = { ...layout.margin, r: 56 };
    return { data, layout };
  }

  // static/js/keyboard.js
  var FORM = /* @__PURE__ */ new Set(["INPUT", "SELECT", "TEXTAREA"]);
  var PRESSABLE = /* @__PURE__ */ new Set(["BUTTON", "A", "SUMMARY"]);
  function actionOf(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
    const target = event.target;
    if (event.key === "Escape") return "escape";
    if (FORM.has(target?.tagName) || target?.isContentEditable) return null;
    if ((event.key === " " || event.key === "Enter") && PRESSABLE.has(target?.tagName)) return null;
    switch (event.key) {
      case " ":
        return "play";
      case "ArrowLeft":
        return "earlier";
      case "ArrowRight":
        return "later";
      case "PageUp":
      case "[":
        return "previous";
      case "PageDown":
      case "]":
        return "next";
      case "p":
      case "P":
        return "projection";
      case "l":
      case "L":
        return "lesson";
      case "?":
        return "help";
      default:
        return null;
    }
  }
  function listenKeys(actions, blocked = () => false) {
    document.addEventListener("keydown", (event) => {
      const action = actionOf(event);
      if (!action || !actions[action]) return;
      if (action !== "escape" && blocked()) return;
      const handled = actions[action]();
      if (handled !== false) event.preventDefault();
    });
  }

  // static/js/claims.js
  function curve(cell, field) {
    return cell?.[field]?.data ?? null;
  }
  function quantity(spec, payloads) {
    if (spec.of === "final") return payloads.train?.cells?.[spec.cell]?.[spec.field] ?? null;
    const trace = spec.variant === void 0 ? payloads.trace : payloads.compare?.[spec.variant];
    if (!trace) return null;
    if (spec.of === "task") return trace.task?.[spec.field] ?? null;
    const cell = trace.cells?.[spec.cell];
    if (!cell) return null;
    if (spec.of === "value") return cell[spec.field] ?? null;
    if (["gate_mean", "gate_lift", "gate_dip", "gate_unit_max", "kept_unit_gate"].includes(spec.of)) {
      const grid = cell.gates?.[spec.field]?.data;
      if (!grid?.length) return null;
      const means = unitMeans(grid);
      if (spec.of === "gate_mean") return means.reduce((a, b) => a + b, 0) / means.length;
      if (spec.of === "gate_unit_max") return Math.max(...means);
      if (spec.of === "kept_unit_gate") {
        const u = followedUnit("kept", trace, spec.cell, spec.field);
        return u === null ? null : means[u];
      }
      const scores = unitScores(spec.of === "gate_lift" ? "lifted" : "dipped", trace, spec.cell, spec.field);
      return scores ? Math.max(...scores) : null;
    }
    const data = curve(cell, spec.field);
    if (!data?.length) return null;
    if (spec.of === "zero_before") {
      const first2 = data.findIndex((v) => v !== 0);
      return first2 === -1 ? data.length : first2;
    }
    if (spec.of === "spread") {
      const low = Math.min(...data);
      return low > 0 ? Math.max(...data) / low : Infinity;
    }
    if (spec.of === "rises") return data.slice(0, -1).filter((v, t2) => v > data[t2 + 1]).length;
    const [first, last] = [data[0], data[data.length - 1]];
    if (first === null || last === null) return null;
    if (spec.of === "first") return first;
    if (spec.of === "last") return last;
    const ratio = last ? first / last : Infinity;
    if (spec.of === "ratio") return ratio;
    if (spec.of === "per_step") return ratio ** (1 / (data.length - 1));
    return null;
  }
  function fillQuantities(text, preset, payloads, format) {
    const specs = preset?.quantities || {};
    return text.replace(/\{(\w+)\}/g, (whole, name) => {
      if (!(name in specs)) return whole;
      const value = quantity(specs[name], payloads);
      return value === null || value === void 0 ? "…" : format(value);
    });
  }
  function unitMeans(grid) {
    return grid[0].map((_, u) => grid.reduce((sum, row) => sum + row[u], 0) / grid.length);
  }
  function followedUnit(rule, trace, kind, gate) {
    const scores = unitScores(rule, trace, kind, gate);
    return scores ? scores.indexOf(Math.max(...scores)) : null;
  }
  function unitScores(rule, trace, kind, gate) {
    const keep = { lstm: "f", gru: "z" }[kind];
    const grid = trace?.cells?.[kind]?.gates?.[rule === "kept" ? keep : gate]?.data;
    if (!grid?.length) return null;
    if (rule === "kept") return unitMeans(grid);
    const marked = (trace.example?.inputs?.data || []).map((row) => row[row.length - 1] > 0.5);
    if (!marked.some(Boolean) || marked.every(Boolean)) return null;
    const pick = (on2) => unitMeans(grid.filter((_, t2) => marked[t2] === on2));
    const [on, off] = [pick(true), pick(false)];
    return on.map((v, u) => rule === "lifted" ? v - off[u] : off[u] - v);
  }

  // static/js/render.js
  var plotlyReady = window.Plotly ? Promise.resolve() : new Promise((resolve, reject) => {
    const script = document.getElementById("plotly-js");
    script.addEventListener("load", resolve);
    script.addEventListener("error", () => reject(new Error(`could not load ${script.src}`)));
  });
  var stale = /* @__PURE__ */ new Set();
  var figureOf = null;
  var pumping = false;
  function chartOf(view) {
    return document.getElementById(`chart-${view}`);
  }
  var sized = /* @__PURE__ */ new WeakSet();
  var resizer = new ResizeObserver((entries) => {
    for (const { target } of entries) if (target.isConnected && target.offsetParent) window.Plotly.Plots.resize(target);
  });
  function followSize(div) {
    if (sized.has(div)) return;
    sized.add(div);
    resizer.observe(div);
  }
  async function drawOne(view, figure) {
    const div = chartOf(view);
    if (!div) return;
    await window.Plotly.react(div, figure.data, figure.layout, PLOTLY_CONFIG);
    followSize(div);
    div.dataset.status = "ready";
    div.dataset.draws = String(Number(div.dataset.draws || 0) + 1);
    performance.mark(`gradflow:drawn:${view}`);
  }
  var nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
  async function pump() {
    pumping = true;
    try {
      await plotlyReady;
      while (stale.size) {
        const order = [...document.querySelectorAll(".chart[id^='chart-']")].map((div) => div.id.slice(6));
        const round2 = order.filter((view) => stale.has(view));
        for (const view of stale) if (!order.includes(view)) stale.delete(view);
        for (const view of round2) {
          stale.delete(view);
          await drawOne(view, figureOf(view));
          await nextTask();
        }
      }
    } finally {
      pumping = false;
    }
  }
  function redraw(views, figure) {
    figureOf = figure;
    for (const view of views) stale.add(view);
    if (!pumping) pump();
  }
  function setLoading(views, loading) {
    for (const view of views) {
      const div = chartOf(view);
      if (div) div.dataset.status = loading ? "loading" : "ready";
    }
  }
  var CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 3988292384 ^ c >>> 1 : c >>> 1;
    return c >>> 0;
  });
  function crc32(bytes) {
    let c = 4294967295;
    for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255] ^ c >>> 8;
    return (c ^ 4294967295) >>> 0;
  }
  function withPngText(png, keyword, text) {
    const body = new TextEncoder().encode(`${keyword}\0${text}`);
    const chunk = new Uint8Array(12 + body.length);
    const view = new DataView(chunk.buffer);
    view.setUint32(0, body.length);
    chunk.set(new TextEncoder().encode("tEXt"), 4);
    chunk.set(body, 8);
    view.setUint32(8 + body.length, crc32(chunk.subarray(4, 8 + body.length)));
    const end = 8 + 25;
    return new Uint8Array([...png.subarray(0, end), ...chunk, ...png.subarray(end)]);
  }
  async function downloadPng(view, filename, { caption, link }) {
    const div = chartOf(view);
    const scale2 = 2;
    const url = await window.Plotly.toImage(div, { format: "png", width: div.clientWidth, height: div.clientHeight, scale: scale2 });
    const image = new Image();
    await new Promise((resolve, reject) => {
      image.onload = resolve;
      image.onerror = reject;
      image.src = url;
    });
    const size = 13 * scale2;
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height + size * 2;
    const g = canvas.getContext("2d");
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(image, 0, 0);
    g.fillStyle = "#1d2430";
    g.font = `${size}px ${getComputedStyle(document.body).fontFamily}`;
    g.textBaseline = "middle";
    g.fillText(caption, size * 0.6, image.height + size, canvas.width - size * 1.2);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const png = withPngText(new Uint8Array(await blob.arrayBuffer()), "Comment", link);
    const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(new Blob([png], { type: "image/png" })), download: `${filename}.png` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1e4);
  }

  // static/js/icons.js
  var NS = "http://www.w3.org/2000/svg";
  var PATHS = {
    play: "M7 4.5v15l12.5-7.5z",
    pause: "M6 4.5h4.5v15H6zM13.5 4.5H18v15h-4.5z",
    previous: "M17 4.5v15L4.5 12z",
    next: "M7 4.5v15L19.5 12z",
    again: "M12 4.5a7.5 7.5 0 1 0 7.3 9.2h-2.6A5 5 0 1 1 12 7v3l4.5-4.3L12 1.5z"
  };
  function icon(name) {
    const svg2 = document.createElementNS(NS, "svg");
    svg2.setAttribute("viewBox", "0 0 24 24");
    svg2.setAttribute("class", `icon icon-${name}`);
    svg2.setAttribute("aria-hidden", "true");
    svg2.setAttribute("focusable", "false");
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", PATHS[name]);
    svg2.append(path);
    return svg2;
  }
  function label(button2, name, text) {
    button2.replaceChildren(icon(name), document.createTextNode(text));
  }

  // static/js/lesson/dom.js
  function el(tag, attrs = {}, children = []) {
    const node2 = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === void 0 || value === null || value === false) continue;
      if (name === "text") node2.textContent = value;
      else node2.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) if (child !== null && child !== void 0 && child !== false) node2.append(child);
    return node2;
  }
  function button(text, onClick, { home = null, ...attrs } = {}) {
    const node2 = el("button", { type: "button", class: "btn", ...attrs, text });
    node2.addEventListener("click", (event) => {
      onClick(event);
      if (event.detail > 0 && home) home.focus({ preventScroll: true });
    });
    return node2;
  }

  // static/js/lesson/math.js
  var NS2 = "http://www.w3.org/1998/Math/MathML";
  var SYMBOLS = {
    partial: ["mi", "∂"],
    sigma: ["mi", "σ"],
    rho: ["mi", "ρ"],
    gamma: ["mi", "γ"],
    eta: ["mi", "η"],
    theta: ["mi", "θ"],
    odot: ["mo", "⊙"],
    cdot: ["mo", "·"],
    times: ["mo", "×"],
    le: ["mo", "≤"],
    ge: ["mo", "≥"],
    approx: ["mo", "≈"],
    leftarrow: ["mo", "←"],
    rightarrow: ["mo", "→"],
    Rightarrow: ["mo", "⇒"],
    ldots: ["mo", "…"],
    cdots: ["mo", "⋯"],
    sum: ["mo", "∑"],
    lVert: ["mo", "‖"],
    rVert: ["mo", "‖"],
    top: ["mi", "⊤"],
    coloneq: ["mo", "≔"]
  };
  var FUNCTIONS = /* @__PURE__ */ new Set(["tanh", "softmax", "diag", "max", "log", "exp"]);
  var OPERATORS = /* @__PURE__ */ new Set([..."+-=()[],./|<>:;!"]);
  var SPACES = { ",": "0.17em", ";": "0.28em", quad: "1em", qquad: "2em" };
  function node(tag, children = [], attrs = {}) {
    const element = document.createElementNS(NS2, tag);
    for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
    for (const child of children) element.append(child);
    return element;
  }
  function leaf(tag, text, attrs = {}) {
    return node(tag, [document.createTextNode(text)], attrs);
  }
  function single(nodes) {
    return nodes.length === 1 ? nodes[0] : node("mrow", nodes);
  }
  var Parser = class {
    constructor(source) {
      this.s = source;
      this.i = 0;
    }
    peek() {
      return this.s[this.i];
    }
    /** Nodes up to the end, or up to the `}` closing the current group (consumed). */
    sequence() {
      const out = [];
      while (this.i < this.s.length) {
        const c = this.peek();
        if (c === "}") {
          this.i += 1;
          break;
        }
        if (c === "_" || c === "^") {
          this.i += 1;
          const script = this.argument();
          const base = out.pop() ?? leaf("mrow", "");
          out.push(this.attach(base, c, script));
          continue;
        }
        const atom = this.atom();
        if (atom) out.push(atom);
      }
      return out;
    }
    /** x_a^b written in either order becomes one <msubsup>. */
    attach(base, kind, script) {
      if (base.localName === "msub" && kind === "^") return node("msubsup", [...base.childNodes, script]);
      if (base.localName === "msup" && kind === "_") {
        const [b, sup] = base.childNodes;
        return node("msubsup", [b, script, sup]);
      }
      return node(kind === "_" ? "msub" : "msup", [base, script]);
    }
    /** A script or a command's argument: a {group}, or the next single token. */
    argument() {
      this.skipSpaces();
      if (this.peek() === "{") {
        this.i += 1;
        return single(this.sequence());
      }
      return this.atom() ?? leaf("mrow", "");
    }
    /** The raw text of a {group} (for \text and \mathrm). */
    rawArgument() {
      this.skipSpaces();
      if (this.peek() !== "{") return "";
      const end = this.s.indexOf("}", this.i);
      const text = this.s.slice(this.i + 1, end < 0 ? void 0 : end);
      this.i = end < 0 ? this.s.length : end + 1;
      return text;
    }
    skipSpaces() {
      while (this.peek() === " ") this.i += 1;
    }
    atom() {
      const c = this.peek();
      if (c === " ") {
        this.i += 1;
        return null;
      }
      if (c === "{") {
        this.i += 1;
        return single(this.sequence());
      }
      if (c === "\\") return this.command();
      if (/[0-9]/.test(c)) {
        const number = /^[0-9]+(\.[0-9]+)?/.exec(this.s.slice(this.i))[0];
        this.i += number.length;
        return leaf("mn", number);
      }
      this.i += 1;
      if (c === "-") return leaf("mo", "−");
      if (c === "'") return leaf("mo", "′");
      if (OPERATORS.has(c)) return leaf("mo", c);
      return leaf("mi", c);
    }
    command() {
      const name = /^\\([A-Za-z]+|.)/.exec(this.s.slice(this.i))[1];
      this.i += name.length + 1;
      if (SPACES[name]) return node("mspace", [], { width: SPACES[name] });
      if (SYMBOLS[name]) {
        const [tag, text] = SYMBOLS[name];
        return leaf(tag, text, name === "sum" ? { largeop: "true" } : {});
      }
      if (FUNCTIONS.has(name)) return leaf("mi", name);
      if (name === "hat") return node("mover", [this.argument(), leaf("mo", "^")], { accent: "true" });
      if (name === "frac") return node("mfrac", [this.argument(), this.argument()]);
      if (name === "text") return leaf("mtext", this.rawArgument());
      if (name === "mathrm") return leaf("mi", this.rawArgument(), { mathvariant: "normal" });
      return leaf("mtext", `\\${name}`);
    }
  };
  function math(source, display = "block") {
    return node("math", [single(new Parser(source).sequence())], { display });
  }
  function richText(text) {
    return text.split("$").map((part, i) => i % 2 ? math(part, "inline") : document.createTextNode(part));
  }

  // static/js/lesson/scenes.js
  var SCENES = [];
  function setScenes(scenes) {
    SCENES.splice(0, SCENES.length, ...scenes);
  }
  function sceneNumber(value) {
    const n = Number(value);
    if (value === null || value === void 0 || value === "" || !Number.isFinite(n)) return null;
    return Math.min(Math.max(Math.round(n), 1), SCENES.length);
  }

  // static/js/train.js
  var NEXT = {
    idle: { play: "running", step: "paused", reset: "idle" },
    running: { pause: "paused", end: "finished", fail: "failed", reset: "idle" },
    paused: { play: "running", step: "paused", end: "finished", fail: "failed", reset: "idle" },
    finished: { play: "running", reset: "idle" },
    failed: { play: "running", reset: "idle" }
  };
  var PLAY_LABEL = {
    idle: "train.play",
    running: "train.pause",
    paused: "train.resume",
    finished: "train.again",
    failed: "train.again"
  };
  var TrainingRun = class {
    /** onUpdate(run) is called whenever what the charts should show, or the run's state, changes. */
    constructor(onUpdate) {
      this.onUpdate = onUpdate;
      this.clear();
    }
    clear() {
      this.controller = null;
      this.snapshots = [];
      this.shown = 0;
      this.pendingSteps = 0;
      this.state = "idle";
      this.info = null;
      this.status = "idle";
      this.reason = null;
      this.error = null;
      this.mirrored = false;
    }
    /** Move along an edge of the machine; false (and no change) when `event` has none from this state. */
    move(event) {
      const to = NEXT[this.state][event];
      if (!to) return false;
      this.state = to;
      return true;
    }
    get started() {
      return this.controller !== null;
    }
    get playing() {
      return this.state === "running";
    }
    get ended() {
      return this.started && this.status !== "running";
    }
    /** The snapshots the charts show now. */
    visible() {
      return this.snapshots.slice(0, this.shown);
    }
    /**
     * Show a run that another page trains (a live class's teacher, live/view.js): its `info`, `snapshots` and
     * states as that page has them, with no stream of this page's own. Playing or stepping afterwards starts
     * a run of this page's own.
     */
    follow({ info, snapshots, state, status, reason }) {
      this.controller?.abort();
      this.clear();
      const known = Object.hasOwn(NEXT, state) ? state : "paused";
      Object.assign(this, { info, snapshots, shown: snapshots.length, state: known, status, reason, mirrored: true });
      this.onUpdate(this);
    }
    /** Play, pause, or start again after a finished or failed run: what the Train button and Space do. */
    toggle(config) {
      if (this.state === "running") this.pause();
      else this.play(config);
    }
    /** Start (or resume following) the run of `config`, the training request body. */
    play(config) {
      if (this.mirrored) this.clear();
      if (this.state === "finished" || this.state === "failed") {
        this.controller?.abort();
        this.clear();
      }
      if (!this.move("play")) return;
      this.shown = this.snapshots.length;
      if (!this.started) this.open(config);
      else if (this.ended) this.settle();
      this.onUpdate(this);
    }
    pause() {
      if (this.move("pause")) this.onUpdate(this);
    }
    /** One snapshot further (starting the run paused if there is none yet). */
    step(config) {
      if (this.mirrored) this.clear();
      if (!this.move("step")) return;
      if (this.shown < this.snapshots.length) this.shown += 1;
      else this.pendingSteps += 1;
      if (!this.started) this.open(config);
      else this.settle();
      this.onUpdate(this);
    }
    reset() {
      this.controller?.abort();
      this.clear();
      this.onUpdate(this);
    }
    /** After the stream ended: a failed stream fails the run; else the run finishes once all is shown. */
    settle() {
      if (!this.ended) return;
      if (this.status === "failed") this.move("fail");
      else if (this.shown >= this.snapshots.length) this.move("end");
    }
    async open(config) {
      const controller = new AbortController();
      this.controller = controller;
      this.status = "running";
      try {
        for await (const { event, data } of trainStream(config, controller.signal)) {
          if (controller !== this.controller) return;
          if (event === "start") {
            this.info = data;
          } else if (event === "snapshot") {
            this.snapshots.push(data);
            if (this.playing) this.shown = this.snapshots.length;
            else if (this.pendingSteps > 0) {
              this.pendingSteps -= 1;
              this.shown += 1;
            }
          } else if (["done", "stopped", "failed"].includes(event)) {
            this.status = event;
            this.reason = data.reason ?? this.snapshots[this.snapshots.length - 1]?.reason ?? null;
            if (event === "failed") this.error = data.message;
            this.settle();
          }
          this.onUpdate(this);
        }
        if (this.status === "running") this.status = "stopped";
      } catch (error) {
        if (controller !== this.controller || error.name === "AbortError") return;
        this.status = "failed";
        this.error = error;
      }
      this.settle();
      this.onUpdate(this);
    }
  };
  function runStatus(run2, total) {
    const shown = run2.visible();
    const step = shown[shown.length - 1]?.step ?? 0;
    const values2 = { step, total, received: run2.snapshots.length, seconds: run2.info?.config?.seconds ?? "" };
    if (run2.state === "finished") {
      const reason = ["steps", "solved", "seconds", "stopped"].includes(run2.reason) ? run2.reason : "steps";
      return { key: `train.status.finished_${reason}`, values: values2 };
    }
    return { key: `train.status.${run2.state}`, values: values2 };
  }

  // static/js/lesson/bptt.js
  var BackwardPlayer = class {
    /** onFrame(player) is called whenever the position or the playing state changes. */
    constructor(onFrame, { interval = 450 } = {}) {
      this.onFrame = onFrame;
      this.interval = interval;
      this.T = 0;
      this.position = 0;
      this.timer = null;
    }
    get playing() {
      return this.timer !== null;
    }
    /** A sequence of T steps; a position already inside it is kept (a redraw, a language switch). */
    load(T, position = null) {
      this.T = T;
      this.position = position && position >= 1 && position <= T ? position : T;
      this.onFrame(this);
    }
    play() {
      if (this.playing || this.T < 1) return;
      if (this.position <= 1) this.position = this.T;
      this.timer = setInterval(() => this.tick(), this.interval);
      this.onFrame(this);
    }
    tick() {
      if (this.position > 1) this.position -= 1;
      if (this.position <= 1) this.stopTimer();
      this.onFrame(this);
    }
    pause() {
      this.stopTimer();
      this.onFrame(this);
    }
    toggle() {
      if (this.playing) this.pause();
      else this.play();
    }
    /** One step along the time axis, pausing: −1 towards t = 1 (the way the backward pass goes), +1 back. */
    step(direction) {
      this.stopTimer();
      this.position = Math.min(Math.max(this.position + direction, 1), this.T);
      this.onFrame(this);
    }
    /** Stop at step `position` (clamped to 1…T): where another page's animation is (a live class's teacher). */
    seek(position) {
      this.stopTimer();
      this.position = Math.min(Math.max(Math.round(position), 1), this.T || 1);
      this.onFrame(this);
    }
    restart() {
      this.stopTimer();
      this.position = this.T;
      this.onFrame(this);
    }
    stopTimer() {
      clearInterval(this.timer);
      this.timer = null;
    }
  };

  // static/js/lesson/diagram.js
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs = {}, children = []) {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
    for (const child of children) element.append(child);
    return element;
  }
  function label2(x, y, base, sub, cls) {
    const text = svg("text", { x, y, class: cls, "text-anchor": "middle", "dominant-baseline": "central" });
    text.append(document.createTextNode(base));
    if (sub) {
      const tspan = svg("tspan", { class: "sub", dy: "0.35em" });
      tspan.append(document.createTextNode(sub));
      text.append(tspan);
    }
    return text;
  }
  function arrow(x1, y1, x2, y2, cls) {
    return svg("line", { x1, y1, x2, y2, class: `arrow ${cls}`, "marker-end": "url(#lesson-arrowhead)" });
  }
  var ROWS = { out: 46, hidden: 150, in: 254 };
  var BOX = { w: 64, h: 44 };
  function unrolledDiagram(words, { steps: steps2 = ["1", "2", "…", "T"], highlight = null } = {}) {
    const left = 156;
    const gap = 118;
    const width = left + gap * (steps2.length + 1) - 30;
    const root = svg("svg", {
      class: "lesson-diagram",
      viewBox: `0 0 ${width} 320`,
      role: "img",
      "aria-label": words.same
    });
    const marker = svg("marker", {
      id: "lesson-arrowhead",
      viewBox: "0 0 10 10",
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: "auto-start-reverse"
    });
    marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }));
    root.append(svg("defs", {}, [marker]));
    for (const [row, word] of [
      ["out", words.output],
      ["hidden", words.hidden],
      ["in", words.input]
    ]) {
      const lines = word.split(" ");
      const text = svg("text", { x: 8, y: ROWS[row], class: "layer-name", "dominant-baseline": "central" });
      lines.forEach((line, i) => {
        const tspan = svg("tspan", { x: 8, dy: i === 0 ? `${-0.55 * (lines.length - 1)}em` : "1.1em" });
        tspan.append(document.createTextNode(line));
        text.append(tspan);
      });
      root.append(text);
    }
    const box = (cx, cy, cls) => svg("rect", { x: cx - BOX.w / 2, y: cy - BOX.h / 2, width: BOX.w, height: BOX.h, rx: 10, class: cls });
    const x0 = left + 16;
    root.append(box(x0, ROWS.hidden, "node node-hidden node-start"), label2(x0, ROWS.hidden - 4, "h", "0", "node-label"));
    let previousRight = x0 + BOX.w / 2;
    steps2.forEach((step, i) => {
      const cx = left + gap * (i + 1) + 20;
      const entry = step === "…" ? cx - 16 : cx - BOX.w / 2;
      root.append(
        arrow(previousRight, ROWS.hidden, entry - 2, ROWS.hidden, "w-hh"),
        label2((previousRight + entry) / 2, ROWS.hidden + 30, "W", "hh", "weight-label w-hh")
      );
      if (step === "…") {
        const dots = svg("text", { x: cx, y: ROWS.hidden, class: "ellipsis", "text-anchor": "middle", "dominant-baseline": "central" });
        dots.append(document.createTextNode("…"));
        root.append(dots);
        previousRight = cx + 16;
        return;
      }
      const group = svg("g", { class: i === highlight ? "step step-highlight" : "step" });
      group.append(
        box(cx, ROWS.out, "node node-out"),
        label2(cx, ROWS.out - 4, "ŷ", step, "node-label"),
        box(cx, ROWS.hidden, "node node-hidden"),
        label2(cx, ROWS.hidden - 4, "h", step, "node-label"),
        box(cx, ROWS.in, "node node-in"),
        label2(cx, ROWS.in - 4, "x", step, "node-label"),
        arrow(cx, ROWS.in - BOX.h / 2, cx, ROWS.hidden + BOX.h / 2 + 2, "w-xh"),
        label2(cx + 30, (ROWS.in + ROWS.hidden) / 2 + 8, "W", "xh", "weight-label w-xh"),
        arrow(cx, ROWS.hidden - BOX.h / 2, cx, ROWS.out + BOX.h / 2 + 2, "w-hy"),
        label2(cx + 30, (ROWS.hidden + ROWS.out) / 2, "W", "hy", "weight-label w-hy")
      );
      root.append(group);
      previousRight = cx + BOX.w / 2;
    });
    const caption = svg("text", { x: width / 2, y: 306, class: "diagram-caption", "text-anchor": "middle" });
    caption.append(document.createTextNode(words.same));
    root.append(caption);
    return root;
  }

  // static/js/lesson/figures.js
  function decades(values_, headroom = 0.3) {
    const logs = values_.filter((v) => v > 0).map(Math.log10);
    if (!logs.length) return void 0;
    return [Math.floor(Math.min(...logs) - 0.3), Math.ceil(Math.max(...logs) + headroom)];
  }
  function logAxisOf(values_, headroom) {
    const range = decades(values_, headroom);
    return { type: "log", exponentformat: "power", range, dtick: range ? Math.max(1, Math.ceil((range[1] - range[0]) / 6)) : 1 };
  }
  function verticalLine(x, { color = REFERENCE, width = 2, dash = "dash" } = {}) {
    return { type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color, width, dash } };
  }
  var VISIBLE2 = { " ": "␣", "\n": "↵", "	": "⇥" };
  function targetCharacters(trace) {
    const vocabulary = trace?.task?.vocabulary;
    const targets = values(trace?.example?.targets);
    if (!vocabulary || !targets) return null;
    const index = (row) => Array.isArray(row) ? row.indexOf(Math.max(...row)) : row;
    return targets.map((row) => {
      const ch = vocabulary[index(row)] ?? "?";
      return VISIBLE2[ch] ?? ch;
    });
  }
  function stepLossFigure(trace, ctx) {
    const title = ctx.t("lesson.steploss.title");
    const cells = Object.entries(trace?.cells || {});
    if (!cells.length) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const data = stepLossBars(trace, ctx, "lesson.steploss.trace");
    const chars = targetCharacters(trace);
    const layout = baseLayout(ctx, {
      title,
      x: chars ? ctx.t("lesson.steploss.x_chars") : ctx.t("axis.t"),
      y: ctx.t("lesson.steploss.y"),
      bargap: 0.2,
      showlegend: false,
      // one step per tick, labelled with the character the step predicts, when the task is a text
      xaxis: chars ? { tickmode: "array", tickvals: steps(chars.length), ticktext: chars, tickangle: 0 } : {}
    });
    const [kind, cell] = cells[0];
    layout.annotations = [
      {
        text: ctx.t("lesson.steploss.total", { cell: kindName(ctx, kind), loss: ctx.fmt(cell.loss, 4) }),
        xref: "paper",
        yref: "paper",
        x: 1,
        y: 1.02,
        xanchor: "right",
        yanchor: "bottom",
        showarrow: false,
        font: { size: 13 * scale(ctx), color: "#1d2430" }
      }
    ];
    return { data, layout };
  }
  function bpttFigure(trace, position, ctx, kind = "rnn") {
    const title = ctx.t("lesson.bptt.title", { t: position });
    const grad = values(trace?.cells?.[kind]?.grad_hidden_norm);
    if (!grad) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const T = grad.length;
    const reached = grad.map((v, i) => i + 1 >= position ? v : null);
    const name = ctx.t("lesson.bptt.trace", { cell: kindName(ctx, kind) });
    const data = [
      {
        type: "bar",
        name,
        meta: { cell: kind, field: "grad_hidden_norm", position },
        x: steps(T),
        y: reached,
        marker: {
          color: grad.map((_, i) => i + 1 === position ? "#1d2430" : COLORS[kind]),
          line: { color: "#1d2430", width: grad.map((_, i) => i + 1 === position ? 2 : 0) }
        },
        hovertemplate: `${name}<br>t = %{x}: %{y:.3~e}<extra></extra>`
      }
    ];
    const layout = baseLayout(ctx, {
      title,
      x: ctx.t("axis.t"),
      y: ctx.t("lesson.bptt.y"),
      xaxis: { range: [0.4, T + 0.6] },
      yaxis: logAxisOf(grad, 0.6),
      bargap: 0.15,
      showlegend: false
    });
    const value = grad[position - 1];
    layout.annotations = [
      {
        text: ctx.t("lesson.bptt.marker", { t: position, value: ctx.fmt(value, 3) }),
        x: position,
        y: value > 0 ? Math.log10(value) : void 0,
        // annotations on a log axis are placed by exponent
        yref: "y",
        xref: "x",
        ax: position > T / 2 ? -60 : 60,
        ay: -36,
        showarrow: value > 0,
        arrowwidth: 2,
        font: { size: 13 * scale(ctx), color: "#1d2430" },
        bgcolor: "rgba(255,255,255,0.9)"
      }
    ];
    return { data, layout };
  }
  function truncationFigure(trace, full, ctx) {
    const k = trace?.config?.truncate;
    const title = k ? ctx.t("lesson.truncate.title", { k }) : ctx.t("lesson.truncate.title_full");
    if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
    const data = [];
    const all = [];
    for (const [kind, cell] of Object.entries(trace.cells)) {
      const cut = values(cell.grad_hidden_norm) || [];
      const whole = values(full?.cells?.[kind]?.grad_hidden_norm);
      if (whole) {
        const name2 = ctx.t("lesson.truncate.full", { cell: kindName(ctx, kind) });
        data.push({
          type: "scatter",
          mode: "lines",
          name: name2,
          meta: { cell: kind, field: "grad_hidden_norm", truncate: null },
          x: steps(whole.length),
          y: whole,
          line: { color: COLORS[kind], width: lineWidth(ctx, 1.5), dash: "dot" },
          opacity: 0.75,
          hovertemplate: `${name2}<br>t = %{x}: %{y:.3~e}<extra></extra>`
        });
        all.push(...whole);
      }
      const name = ctx.t("lesson.truncate.cut", { cell: kindName(ctx, kind), k: k ?? "–" });
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name,
        meta: { cell: kind, field: "grad_hidden_norm", truncate: k },
        x: steps(cut.length),
        // a step the cut loss cannot reach has exactly zero gradient: nothing to draw on a log axis
        y: cut.map((v) => v > 0 ? v : null),
        line: { color: COLORS[kind], width: lineWidth(ctx, 2.5) },
        marker: { size: ctx.projection ? 7 : 5 },
        hovertemplate: `${name}<br>t = %{x}: %{y:.3~e}<extra></extra>`
      });
      all.push(...cut);
    }
    const T = trace.sizes?.T ?? 0;
    const layout = baseLayout(ctx, { title, x: ctx.t("axis.t"), y: ctx.t("lesson.bptt.y"), yaxis: logAxisOf(all, 0.5), hovermode: "closest" });
    layout.shapes = [];
    if (k) for (let c = k; c < T; c += k) layout.shapes.push(verticalLine(c + 0.5, { color: "#b3261e", width: ctx.projection ? 4 : 2 }));
    return { data, layout };
  }
  function gateFigure(trace, scene, ctx) {
    const kind = scene.cell || "lstm";
    const gate = scene.gate;
    const label3 = ctx.t(`gate.${kind}.${gate}`);
    const title = ctx.t("lesson.gate.title", { gate: label3 });
    const cell = trace?.cells?.[kind];
    const grid = values(cell?.gates?.[gate]);
    if (!grid) return emptyFigure(ctx, title, ctx.t("chart.gates.none"));
    const inputs = values(trace.example?.inputs) || [];
    const u = followedUnit(scene.unit || "kept", trace, kind, gate);
    const unit = u === null ? null : cell.units[u];
    const xLabel = ctx.t("axis.t");
    const x = steps(grid.length);
    const { ids, layout: panels } = subplots(
      ctx,
      [
        { title: ctx.t("lesson.gate.input"), yTitle: " " },
        { title: ctx.t("lesson.gate.example"), color: COLORS[kind] },
        { title: unit === null ? " " : ctx.t(`lesson.gate.unit.${scene.unit || "kept"}`, { unit, gate: label3 }), yTitle: " " }
      ],
      { cols: 1, gapY: 0.16, xTitle: xLabel, yTitle: ctx.t("axis.unit") }
    );
    const data = [
      {
        type: "bar",
        name: ctx.t("lesson.gate.marked"),
        x,
        y: inputs.map((row) => row[row.length - 1]),
        xaxis: ids[0].x,
        yaxis: ids[0].y,
        marker: { color: REFERENCE },
        hovertemplate: `${ctx.t("lesson.gate.marked")}<br>t = %{x}: %{y}<extra></extra>`
      },
      {
        type: "scatter",
        mode: "lines",
        name: ctx.t("lesson.gate.value"),
        x,
        y: inputs.map((row) => row[0]),
        xaxis: ids[0].x,
        yaxis: ids[0].y,
        line: { color: "#1d2430", width: lineWidth(ctx, 1.5) },
        hovertemplate: `x_t<br>t = %{x}: %{y:.3f}<extra></extra>`
      },
      heatmap(ctx, {
        id: ids[1],
        grid,
        transpose: true,
        x,
        y: cell.units,
        kind,
        zmin: 0,
        zmax: 1,
        meta: { cell: kind, field: `gates.${gate}` },
        label: label3,
        xLabel,
        yLabel: ctx.t("axis.unit"),
        // no colour bar: the followed unit's line below reads the same 0…1 off an axis
        showscale: false
      })
    ];
    if (u !== null) {
      data.push({
        type: "scatter",
        mode: "lines",
        name: label3,
        meta: { cell: kind, field: `gates.${gate}`, unit },
        x,
        y: grid.map((row) => row[u]),
        xaxis: ids[2].x,
        yaxis: ids[2].y,
        line: { color: COLORS[kind], width: lineWidth(ctx, 2.5) },
        hovertemplate: `${label3}<br>t = %{x}: %{y:.3f}<extra></extra>`
      });
    }
    const layout = { ...baseLayout(ctx, { title, x: xLabel, y: ctx.t("axis.unit") }), ...panels };
    const domains2 = [[0.8, 0.94], [0.34, 0.66], [0, 0.2]];
    domains2.forEach((domain, i) => {
      const n = i === 0 ? "" : String(i + 1);
      layout[`yaxis${n}`] = { ...layout[`yaxis${n}`], domain };
      layout.annotations[i] = { ...layout.annotations[i], y: domain[1] };
    });
    layout.xaxis = { ...layout.xaxis, showticklabels: false };
    layout.xaxis2 = { ...layout.xaxis2, showticklabels: false };
    layout.yaxis = { ...layout.yaxis, range: [0, 1.05], dtick: 1, showticklabels: true };
    layout.yaxis2 = { ...layout.yaxis2, dtick: Math.max(1, Math.ceil(cell.units.length / 4)), tickformat: "d" };
    layout.yaxis3 = { ...layout.yaxis3, range: [0, 1.05], dtick: 1 };
    layout.showlegend = false;
    layout.bargap = 0.3;
    layout.margin = { ...layout.margin, r: 48 };
    return { data, layout };
  }

  // static/js/lesson/widgets.js
  function figureBox(env) {
    return el("div", { class: "lesson-figure", id: "lesson-figure", role: "img", "aria-label": env.t(`lesson.scene.${env.scene.id}.title`) });
  }
  function slider(env, { key, min, max, step, label: label3, format = (v) => env.fmt(v, 3) }) {
    const id = `lesson-${key}`;
    const input = el("input", { type: "range", id, min, max, step, class: "lesson-range" });
    const shown = el("output", { for: id, class: "lesson-range-value" });
    const sync = () => {
      const value = env.state.get(key);
      if (typeof value === "number") {
        if (value > Number(input.max)) input.max = value;
        input.value = value;
      }
      shown.textContent = format(Number(input.value));
    };
    input.addEventListener("input", () => {
      shown.textContent = format(Number(input.value));
      env.change(key, Number(input.value));
    });
    const element = el("div", { class: "lesson-slider" }, [el("label", { for: id }, richText(label3)), input, shown]);
    return { element, input, sync };
  }
  function cellRatio(env, grad) {
    const first = grad?.[0];
    const last = grad?.[grad.length - 1];
    if (!(first > 0 && last > 0)) return { first: env.fmt(first), ratio: "–" };
    return { first: env.fmt(first), ratio: env.fmt(first / last, 2) };
  }
  function diagramWidget(env) {
    const words = {
      output: env.t("lesson.diagram.output"),
      hidden: env.t("lesson.diagram.hidden"),
      input: env.t("lesson.diagram.input"),
      same: env.t("lesson.diagram.same")
    };
    return { element: el("figure", { class: "lesson-diagram-box" }, [unrolledDiagram(words)]), update() {
    } };
  }
  function valuesWidget(env) {
    const input = el("input", { type: "range", id: "lesson-step", min: 1, max: 2, step: 1, class: "lesson-range" });
    const shown = el("output", { for: "lesson-step", class: "lesson-range-value" });
    const table = el("table", { class: "lesson-values" });
    let trace = null;
    const cells = (vector, signed) => (vector || []).map((v, i) => {
      const td = el("td", { class: `v ${signed && v < 0 ? "neg" : "pos"}`, title: `[${i}] ${v}`, text: env.fmt(v, 2) });
      const a = Math.min(Math.abs(Number(v) || 0), 1);
      td.style.setProperty("--a", a.toFixed(3));
      if (a > 0.55) td.classList.add("strong");
      return td;
    });
    function show() {
      if (!trace) return;
      const t2 = env.memo.step;
      input.value = t2;
      shown.textContent = `t = ${t2}`;
      const rnn = trace.cells.rnn;
      const hidden = values(rnn.hidden);
      const target = values(trace.example.targets)?.[t2 - 1];
      const rows = [
        ["x_t", "lesson.values.x", values(trace.example.inputs)[t2 - 1], false],
        [t2 > 1 ? "h_{t-1}" : "h_{t-1} = h_0", "lesson.values.h_prev", t2 > 1 ? hidden[t2 - 2] : hidden[0].map(() => 0), true],
        ["h_t", "lesson.values.h", hidden[t2 - 1], true],
        [String.raw`\hat{y}_t`, "lesson.values.y_hat", values(rnn.outputs)[t2 - 1], false],
        ["y_t", "lesson.values.y", Array.isArray(target) ? target : [target], false],
        ["E_t", "lesson.values.error", [values(rnn.step_loss)[t2 - 1]], false]
      ];
      table.replaceChildren(
        ...rows.map(
          ([symbol, word, vector, signed]) => el("tr", {}, [el("th", { scope: "row" }, [math(symbol, "inline"), el("span", { class: "word", text: env.t(word) })]), ...cells(vector, signed)])
        )
      );
    }
    input.addEventListener("input", () => {
      env.memo.step = Number(input.value);
      show();
    });
    const element = el("div", { class: "lesson-values-widget" }, [
      el("div", { class: "lesson-slider" }, [el("label", { for: "lesson-step" }, richText(env.t("lesson.values.step"))), input, shown]),
      table,
      el("p", { class: "lesson-note" }, richText(env.t("lesson.values.note")))
    ]);
    return {
      element,
      update(next) {
        trace = next;
        const T = trace.sizes.T;
        input.max = T;
        env.memo.step = Math.min(Math.max(env.memo.step ?? T, 1), T);
        show();
      },
      step(direction) {
        if (!trace) return;
        env.memo.step = Math.min(Math.max(env.memo.step + direction, 1), trace.sizes.T);
        show();
      }
    };
  }
  function stepLossWidget(env) {
    const figure = figureBox(env);
    return { element: figure, update: (trace) => env.draw(figure, stepLossFigure(trace, env.ctx())) };
  }
  function bpttWidget(env) {
    const figure = figureBox(env);
    const status = el("p", { class: "lesson-status", "aria-live": "off" });
    const root = el("div", { class: "lesson-player", "data-playing": "false" });
    let trace = null;
    const frame = (p) => {
      if (env.memo.position !== p.position) env.moved();
      env.memo.position = p.position;
      root.dataset.position = String(p.position);
      root.dataset.playing = String(p.playing);
      label(play, p.playing ? "pause" : "play", env.t(p.playing ? "lesson.bptt.pause" : "lesson.bptt.play"));
      play.setAttribute("aria-pressed", String(p.playing));
      const grad = values(trace?.cells?.rnn?.grad_hidden_norm);
      if (!grad) return;
      env.draw(figure, bpttFigure(trace, p.position, env.ctx()));
      const value = grad[p.position - 1];
      const last = grad[grad.length - 1];
      const ratio = value > 0 && last > 0 ? env.fmt(value / last, 2) : "–";
      status.replaceChildren(...richText(env.t("lesson.bptt.status", { t: p.position, value: env.fmt(value), ratio })));
    };
    const player = new BackwardPlayer(frame);
    const play = button(env.t("lesson.bptt.play"), () => player.toggle(), { home: env.home, id: "lesson-play", class: "btn btn-primary", "aria-pressed": "false" });
    const controls = el("div", { class: "lesson-player-buttons", role: "group", "aria-label": env.t("lesson.bptt.controls") }, [
      button(env.t("lesson.bptt.restart"), () => player.restart(), { home: env.home, id: "lesson-restart" }),
      button(env.t("lesson.bptt.earlier"), () => player.step(-1), { home: env.home, id: "lesson-earlier" }),
      play,
      button(env.t("lesson.bptt.later"), () => player.step(1), { home: env.home, id: "lesson-later" })
    ]);
    root.append(controls, figure, status);
    return {
      element: root,
      update(next) {
        trace = next;
        const grad = values(trace.cells.rnn?.grad_hidden_norm);
        if (grad) player.load(grad.length, env.memo.position);
      },
      step: (direction) => player.step(direction),
      seek: (position) => player.seek(position),
      toggle: () => player.toggle(),
      leave: () => player.stopTimer()
    };
  }
  function radiusWidget(env) {
    const rho = slider(env, { key: "spectral_radius", min: 0, max: 2.5, step: 0.05, label: env.t("lesson.radius.label"), format: (v) => `ρ = ${env.fmt(v, 3)}` });
    const readout = el("p", { class: "lesson-status" });
    const set = (value) => {
      env.change("spectral_radius", value);
      rho.sync();
    };
    const presets = el(
      "div",
      { class: "lesson-player-buttons" },
      env.scene.buttons.map((b) => button(env.t(`lesson.radius.${b.id}`), () => set(b.set.spectral_radius), { home: env.home, id: `lesson-${b.id}` }))
    );
    return {
      element: el("div", { class: "lesson-controls" }, [rho.element, presets, readout]),
      update(trace) {
        rho.sync();
        const rnn = trace.cells.rnn;
        if (!rnn) {
          readout.replaceChildren(env.t("lesson.radius.no_rnn"));
          return;
        }
        readout.replaceChildren(
          ...richText(
            env.t("lesson.radius.readout", {
              rho: env.fmt(rnn.spectral_radius),
              sigma: env.fmt(rnn.sigma_max),
              actual: env.fmt(values(rnn.jacobian_norm)?.[0]),
              bound: env.fmt(values(rnn.jacobian_bound)?.[0])
            })
          )
        );
      }
    };
  }
  function truncateWidget(env) {
    const k = slider(env, { key: "truncate", min: 1, max: 50, step: 1, label: env.t("lesson.truncate.label"), format: (v) => `k = ${v}` });
    const figure = figureBox(env);
    const full = /* @__PURE__ */ new Map();
    let latest = null;
    return {
      element: el("div", { class: "lesson-controls" }, [k.element, figure]),
      async update(trace) {
        latest = trace;
        k.input.max = trace.sizes.T;
        k.sync();
        const request2 = { ...env.state.request("trace"), ...env.scene.beside[0] };
        const key = JSON.stringify(request2);
        if (!full.has(key)) full.set(key, trace.config.truncate ? getTrace(request2) : Promise.resolve(trace));
        try {
          const whole = await full.get(key);
          if (latest === trace) env.draw(figure, truncationFigure(trace, whole, env.ctx()));
        } catch {
          full.delete(key);
          env.draw(figure, truncationFigure(trace, null, env.ctx()));
        }
      }
    };
  }
  function gateWidget(env) {
    const figure = figureBox(env);
    const parts = [figure];
    let bias = null;
    const biases = { f: ["forget_bias", "b_f"], z: ["update_bias", "b_z"] };
    if (biases[env.scene.gate]) {
      const [key, symbol] = biases[env.scene.gate];
      bias = slider(env, { key, min: -2, max: 4, step: 0.25, label: env.t(`lesson.gate.bias.${symbol}`), format: (v) => `${symbol} = ${env.fmt(v, 3)}` });
      parts.unshift(bias.element);
    }
    return {
      element: el("div", { class: "lesson-controls" }, parts),
      update(trace) {
        bias?.sync();
        env.draw(figure, gateFigure(trace, env.scene, env.ctx()));
      }
    };
  }
  function compareWidget(env) {
    const list = el("ul", { class: "lesson-compare" });
    return {
      element: list,
      update(trace) {
        const items = [];
        for (const [kind, cell] of Object.entries(trace.cells)) {
          const h = cellRatio(env, values(cell.grad_hidden_norm));
          items.push(el("li", { class: `cell-${kind}` }, richText(env.t("lesson.compare.h", { cell: env.t(`cell.${kind}`), ...h }))));
          const c = values(cell.grad_cell_norm);
          if (c) items.push(el("li", { class: `cell-${kind}` }, richText(env.t("lesson.compare.c", { cell: env.t(`cell.${kind}`), ...cellRatio(env, c) }))));
        }
        list.replaceChildren(...items);
      }
    };
  }
  function trainWidget(env) {
    const status = el("ul", { class: "lesson-compare", "aria-live": "off" });
    const toggle = () => env.run.toggle(env.trainRequest());
    const play = button(env.t("train.play"), toggle, { home: env.home, id: "lesson-train", class: "btn btn-primary", "aria-pressed": "false" });
    const reset = button(env.t("train.reset"), () => env.run.reset(), { home: env.home, id: "lesson-train-reset" });
    const onRun = (run2) => {
      label(play, run2.playing ? "pause" : run2.state === "finished" || run2.state === "failed" ? "again" : "play", env.t(PLAY_LABEL[run2.state]));
      play.setAttribute("aria-pressed", String(run2.playing));
      play.dataset.state = run2.state;
      const shown = run2.visible();
      const last = shown[shown.length - 1];
      if (!last) {
        status.replaceChildren(el("li", { text: env.t("lesson.train.idle") }));
        return;
      }
      const baseline = run2.info?.task?.baseline;
      status.replaceChildren(
        el("li", { text: env.t("lesson.train.step", { step: last.step, baseline: env.fmt(baseline) }) }),
        ...Object.entries(last.cells).map(
          ([kind, cell]) => el("li", {
            class: `cell-${kind}`,
            text: env.t(cell.solved ? "lesson.train.solved" : "lesson.train.loss", {
              cell: env.t(`cell.${kind}`),
              loss: env.fmt(cell.test_loss),
              step: cell.solved_at ?? last.step
            })
          })
        )
      );
    };
    return {
      element: el("div", { class: "lesson-controls" }, [el("div", { class: "lesson-player-buttons" }, [play, reset]), status]),
      update: () => onRun(env.run),
      toggle,
      onRun
    };
  }
  var WIDGETS = {
    diagram: diagramWidget,
    values: valuesWidget,
    steploss: stepLossWidget,
    bptt: bpttWidget,
    radius: radiusWidget,
    truncate: truncateWidget,
    gate: gateWidget,
    compare: compareWidget,
    train: trainWidget
  };

  // static/js/lesson/lesson.js
  var Lesson = class {
    /** host: {page, run, applyPreset, onPreset, onChange, writeURL} from main.js; panel: #lesson-panel. */
    constructor(host, panel) {
      this.host = host;
      this.panel = panel;
      this.widget = null;
      this.memo = {};
      this.button = document.getElementById("lesson-btn");
      this.button?.addEventListener("click", () => this.toggle());
      this.panel.tabIndex = -1;
    }
    get state() {
      return this.host.page.state;
    }
    get number() {
      return sceneNumber(this.state.get("lesson"));
    }
    get open() {
      return this.number !== null;
    }
    get scene() {
      return this.open ? SCENES[this.number - 1] : null;
    }
    /**
     * On page load, before the first trace is fetched: a link with `lesson=N` opens scene N. Its preset is
     * applied only when the link carries no configuration of its own (a shared link reopens what was shared).
     */
    init(search) {
      if (!this.open) return this.render();
      const query = new URLSearchParams(search);
      const configured = [...query.keys()].some((key) => this.state.table[key]?.endpoints.length);
      if (!configured && !query.has("preset")) {
        this.host.applyPreset(this.scene.preset);
        this.host.page.controls.sync();
      }
      this.state.set("lesson", this.number);
      this.host.writeURL();
      this.render({ scroll: true });
    }
    toggle() {
      if (this.open) this.close();
      else this.go(this.lastNumber || 1);
    }
    /** Show scene `n` (1-based; clamped), applying its preset unless the page already shows that preset. */
    go(n) {
      const number = sceneNumber(n);
      this.state.set("lesson", number);
      const scene = SCENES[number - 1];
      if (this.state.get("preset") !== scene.preset || !this.ownSettings(scene)) this.host.onPreset(scene.preset);
      else this.host.writeURL();
      this.render({ scroll: true });
    }
    next() {
      this.go((this.number ?? 0) + 1);
    }
    previous() {
      this.go((this.number ?? 2) - 1);
    }
    close() {
      this.lastNumber = this.number;
      this.state.set("lesson", null);
      this.host.writeURL();
      this.render();
    }
    /** Does the page show `scene`'s own configuration (its preset's), which the numbers its words quote are of? */
    ownSettings(scene) {
      const preset = this.host.page.meta.presets.find((p) => p.name === scene.preset);
      return Boolean(preset) && this.state.isPreset(preset);
    }
    /** Is `trace` the one computed for the page's current configuration (not one still on its way)? */
    isCurrent(trace) {
      return this.state.shows(trace);
    }
    // ---- drawing ----------------------------------------------------------------------------------------------
    env(scene) {
      this.memo[scene.id] ??= {};
      const host = this.host;
      return {
        t,
        fmt: formatNumber,
        scene,
        memo: this.memo[scene.id],
        home: this.panel,
        state: host.page.state,
        run: host.run,
        ctx: () => ({ t, fmt: formatNumber, projection: Boolean(host.page.state.get("projection")), narrow: false }),
        draw: (div, figure) => this.draw(div, figure),
        change: (key, value) => host.onChange(key, value),
        moved: () => document.dispatchEvent(new CustomEvent("gradflow:step")),
        // a live class's teacher sends it on
        trainRequest: () => host.page.state.request("train")
      };
    }
    async draw(div, figure) {
      await plotlyReady;
      if (!div.isConnected) return;
      const drawn = finish(figure, { projection: Boolean(this.state.get("projection")) });
      await window.Plotly.react(div, drawn.data, drawn.layout, PLOTLY_CONFIG);
      followSize(div);
      div.dataset.draws = String(Number(div.dataset.draws || 0) + 1);
    }
    /** (Re)build the panel for the current scene in the current language; `scroll` brings it into view. */
    render({ scroll = false } = {}) {
      this.widget?.leave?.();
      this.widget = null;
      const scene = this.scene;
      document.body.classList.toggle("lesson-on", Boolean(scene));
      this.button?.setAttribute("aria-pressed", String(Boolean(scene)));
      this.highlight(scene);
      if (!scene) {
        this.panel.hidden = true;
        this.panel.replaceChildren();
        delete this.panel.dataset.scene;
        this.relayout();
        return;
      }
      const n = this.number;
      this.widget = WIDGETS[scene.widget](this.env(scene));
      const title = t(`lesson.scene.${scene.id}.title`);
      const nav = el("div", { class: "lesson-nav" }, [
        button(t("lesson.prev"), () => this.previous(), { home: this.panel, id: "lesson-prev", disabled: n === 1 }),
        button(t("lesson.next"), () => this.next(), { home: this.panel, id: "lesson-next", class: "btn btn-primary", disabled: n === SCENES.length }),
        button(t("lesson.close"), () => this.close(), { id: "lesson-close", class: "btn btn-small", title: t("lesson.close_tooltip") })
      ]);
      const dots = el(
        "ol",
        { class: "lesson-dots", "aria-label": t("lesson.nav_label") },
        SCENES.map(
          (s, i) => el("li", {}, [
            button(String(i + 1), () => this.go(i + 1), {
              home: this.panel,
              class: "lesson-dot",
              title: t("lesson.go_to", { n: i + 1, title: t(`lesson.scene.${s.id}.title`) }),
              "aria-current": i + 1 === n ? "step" : null
            })
          ])
        )
      );
      const [prev, next] = nav.querySelectorAll(".btn");
      label(prev, "previous", t("lesson.prev"));
      label(next, "next", t("lesson.next"));
      this.panel.replaceChildren(
        el("header", { class: "lesson-head" }, [
          el("p", { class: "lesson-count", text: t("lesson.count", { n, total: SCENES.length }) }),
          el("h2", { class: "lesson-title", id: "lesson-title", text: title }),
          nav
        ]),
        // the parts are placed by CSS grid areas: the projection theme puts them in another order
        el("div", { class: `lesson-body lesson-body-${scene.widget}` }, [
          el("p", { class: "lesson-text" }, this.sceneText(scene, null)),
          el("div", { class: "lesson-equations" }, scene.equations.map((source) => math(source))),
          el("div", { class: "lesson-widget", "aria-live": "off" }, [this.widget.element]),
          dots
        ])
      );
      this.panel.setAttribute("aria-labelledby", "lesson-title");
      this.panel.dataset.scene = String(n);
      this.panel.dataset.sceneId = scene.id;
      this.panel.dataset.ready = "false";
      this.panel.hidden = false;
      if (scene.view === "lesson") this.panel.querySelector(".lesson-widget")?.classList.add("lesson-focus");
      this.relayout();
      if (scroll) this.scrollIntoView();
      this.onTrace();
    }
    /**
     * The scene's words with the numbers they quote (`{name}`, the quantities of its preset) read off `trace`
     * and the comparison traces, or "…" until the scene's own trace is here.
     */
    sceneText(scene, trace) {
      const preset = this.host.page.meta.presets.find((p) => p.name === scene.preset);
      const own = this.ownSettings(scene);
      const payloads = own && trace ? { trace, compare: this.host.page.compare } : { trace: null, compare: [] };
      const words = t(`lesson.scene.${scene.id}.text`);
      const nodes = richText(fillQuantities(words, preset, payloads, (v) => formatNumber(v, 3)));
      if (own || !preset?.quantities || !Object.keys(preset.quantities).some((name) => words.includes(`{${name}}`))) return nodes;
      const back = button(t("lesson.restore"), () => this.host.onPreset(scene.preset), { home: this.panel, id: "lesson-restore", class: "btn btn-small" });
      return [...nodes, el("span", { class: "lesson-not-own", text: ` ${t("lesson.not_own")} ` }), back];
    }
    /** The trace main.js has now: give it to the scene's widget when it is the scene's own. */
    async onTrace() {
      const trace = this.host.page.trace;
      const widget = this.widget;
      if (!widget || !this.isCurrent(trace)) return;
      this.panel.querySelector(".lesson-text")?.replaceChildren(...this.sceneText(this.scene, trace));
      const note = this.panel.querySelector(".lesson-unavailable");
      try {
        await widget.update(trace);
        note?.remove();
      } catch (error) {
        console.warn("lesson: the scene cannot show this trace", error);
        if (!note) this.panel.querySelector(".lesson-widget")?.append(el("p", { class: "lesson-unavailable", text: t("lesson.unavailable") }));
      }
      if (widget === this.widget) this.panel.dataset.ready = "true";
    }
    /** The animation step of the scene's widget (the BPTT scene's position), or null for a scene without. */
    get step() {
      return this.widget?.seek ? this.memo[this.scene.id]?.position ?? null : null;
    }
    /** Go to the animation step `position` of the scene's widget (kept for the widget if it is not drawn yet). */
    showStep(position) {
      const scene = this.scene;
      if (!scene || !this.widget?.seek || !Number.isInteger(position)) return;
      this.memo[scene.id] ??= {};
      this.memo[scene.id].position = position;
      if (this.isCurrent(this.host.page.trace)) this.widget.seek(position);
    }
    onRun() {
      this.widget?.onRun?.(this.host.run);
    }
    /** The projection theme changed: the panel's figures are redrawn at its sizes. */
    onProjection() {
      this.relayout();
      if (this.widget && this.isCurrent(this.host.page.trace)) this.widget.update(this.host.page.trace);
    }
    highlight(scene) {
      for (const card2 of document.querySelectorAll(".card.lesson-focus")) card2.classList.remove("lesson-focus");
      const card = scene && scene.view !== "lesson" ? document.getElementById(`card-${scene.view}`) : null;
      card?.classList.add("lesson-focus");
    }
    /** Bring the panel to the top of the window; the highlighted chart is placed right after it (or beside it,
     *  in projection), so it comes into view with it. */
    scrollIntoView() {
      requestAnimationFrame(() => this.panel.scrollIntoView({ block: "start", behavior: "instant" }));
    }
    /** The layout changed (cards moved or resized): Plotly's responsive charts resize on a window resize. */
    relayout() {
      requestAnimationFrame(() => window.dispatchEvent(new Event("resize")));
    }
  };

  // static/js/live/question.js
  function questionText(question) {
    return question.scene ? t(`lesson.scene.${question.scene}.question`) : question.text;
  }
  function choiceText(question, choice) {
    return question.scene ? t(`lesson.scene.${question.scene}.choice.${choice.id}`) : choice.text;
  }
  function drawQuestion(box, shown) {
    const { question, reveal, mine } = shown;
    const tally = reveal?.tally ?? shown.tally;
    const answers = reveal?.answers ?? shown.answers ?? 0;
    const most = Math.max(1, ...Object.values(tally || {}));
    const voting = Boolean(shown.vote) && !reveal;
    const items = question.choices.map((choice, i) => {
      const words = choiceText(question, choice);
      const letter = String.fromCharCode(65 + i);
      const correct = reveal?.correct === choice.id;
      const item = el("li", {
        class: "live-choice",
        "data-choice": choice.id,
        "data-correct": correct ? "true" : null,
        "data-mine": mine === choice.id ? "true" : null
      });
      if (voting) {
        const pick = button("", () => shown.vote(choice.id), { class: "btn live-choice-btn", "aria-pressed": String(mine === choice.id), disabled: Boolean(mine) });
        pick.replaceChildren(el("span", { class: "live-letter", text: letter }), el("span", { class: "live-choice-words", text: words }));
        item.append(pick);
        return item;
      }
      const count = tally?.[choice.id] ?? 0;
      const fill = el("span", { class: "live-fill" });
      fill.style.setProperty("--share", String(count / most));
      const marks = [];
      if (correct) marks.push(el("span", { class: "live-mark live-mark-correct", text: t("live.correct") }));
      if (mine === choice.id) marks.push(el("span", { class: "live-mark live-mark-mine", text: t("live.your_answer") }));
      item.append(
        el("span", { class: "live-choice-head" }, [el("span", { class: "live-letter", text: letter }), el("span", { class: "live-choice-words", text: words }), ...marks]),
        el("span", { class: "live-choice-tally" }, [
          el("span", { class: "live-track", "aria-hidden": "true" }, [fill]),
          el("output", { class: "live-count", text: tally ? formatNumber(count, 6) : "" })
        ])
      );
      return item;
    });
    const answered = tally ? shown.students === null || shown.students === void 0 || shown.students < answers ? t("live.answers", { n: formatNumber(answers, 6) }) : t("live.answers_of", { n: formatNumber(answers, 6), students: formatNumber(shown.students, 6) }) : "";
    box.replaceChildren(
      el("h2", { class: "live-q-text", id: "live-question-text", text: questionText(question) }),
      el("ol", { class: "live-choices", "data-voting": voting ? "true" : "false" }, items),
      el("p", { class: "live-q-status", role: "status", text: [answered, shown.status].filter(Boolean).join(" · ") }),
      el(
        "div",
        { class: "live-q-actions" },
        (shown.actions || []).map((a) => button(a.text, a.onClick, { id: a.id, class: a.primary ? "btn btn-primary" : "btn" }))
      )
    );
    box.dataset.qid = question.qid;
    box.dataset.state = reveal ? "revealed" : "open";
    box.setAttribute("aria-labelledby", "live-question-text");
    box.hidden = false;
  }
  function hideQuestion(box) {
    box.hidden = true;
    box.replaceChildren();
    delete box.dataset.qid;
    delete box.dataset.state;
  }

  // static/js/live/view.js
  var OWN = ["lang", "projection", "class"];
  var TRAIN_BUDGET = 24e3;
  var FIELDS = ["step", "train_loss", "test_loss", "test_accuracy", "solved", "solved_at"];
  var ARRAYS = ["grad_hidden_norm", "grad_cell_norm", "grad_hidden_bound"];
  function classQuery(search) {
    const query = new URLSearchParams(search);
    for (const key of OWN) query.delete(key);
    return query.toString();
  }
  function round(x) {
    return typeof x === "number" && Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(3)) : x;
  }
  function compact(snapshot, arrays) {
    const cells = {};
    for (const [kind, cell] of Object.entries(snapshot.cells)) {
      const out = { kind };
      for (const field of FIELDS) if (cell[field] !== void 0) out[field] = round(cell[field]);
      for (const name of arrays) {
        const data = cell[name]?.data;
        if (Array.isArray(data)) out[name] = { shape: cell[name].shape, data: data.map(round) };
      }
      cells[kind] = out;
    }
    return { step: snapshot.step, overflow: snapshot.overflow, cells };
  }
  function packRun(run2) {
    const shown = run2.visible();
    if (!shown.length && run2.state === "idle") return null;
    const task = run2.info?.task ?? {};
    const config = run2.info?.config ?? {};
    const info = {
      task: { baseline: task.baseline ?? null, threshold: task.threshold ?? null, chance_accuracy: task.chance_accuracy ?? null },
      config: { steps: config.steps ?? null, seconds: config.seconds ?? null }
    };
    const head = { info, state: run2.state, status: run2.status, reason: run2.reason };
    const last = shown.length ? compact(shown[shown.length - 1], ARRAYS) : null;
    let earlier = shown.slice(0, -1).map((s) => compact(s, ["grad_hidden_norm"]));
    const size = () => JSON.stringify(earlier).length + JSON.stringify(last).length;
    while (earlier.length > 1 && size() > TRAIN_BUDGET) earlier = earlier.filter((_, i) => i % 2 === 0);
    if (size() > TRAIN_BUDGET) earlier = [];
    return { ...head, snapshots: last ? [...earlier, last] : [] };
  }
  function viewOf({ lesson, run: run2 }) {
    return {
      query: classQuery(location.search),
      scene: lesson.scene?.id ?? null,
      step: lesson.step,
      train: packRun(run2)
    };
  }
  function showView(view, shown, { host, lesson, run: run2 }) {
    const query = typeof view.query === "string" ? view.query : "";
    if (query !== classQuery(location.search) || !shown) {
      const scene = lesson.number;
      host.showQuery(query);
      if (lesson.number !== scene) lesson.render({ scroll: true });
    }
    if (view.step !== null && view.step !== void 0) lesson.showStep(view.step);
    const train = JSON.stringify(view.train ?? null);
    if (train !== JSON.stringify(shown?.train ?? null) || !shown) {
      if (view.train && Array.isArray(view.train.snapshots)) run2.follow(view.train);
      else if (run2.mirrored || run2.started) run2.reset();
    }
  }

  // static/js/live/student.js
  var DEVICE = "gradflow.device";
  var RETRY_MS = 5e3;
  var VOTE = (id, qid) => `gradflow.class.${id}.vote.${qid}`;
  function deviceId(storage = localStorage) {
    let id = null;
    try {
      id = storage.getItem(DEVICE);
    } catch {
    }
    if (id && /^[A-Za-z0-9_-]{8,64}$/.test(id)) return id;
    id = crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    try {
      storage.setItem(DEVICE, id);
    } catch {
    }
    return id;
  }
  function remembered(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  }
  function remember(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
    }
  }
  var Student = class {
    /** live: the page's live-class wiring (live.js). */
    constructor(live, id) {
      Object.assign(this, { live, id });
      this.following = true;
      this.latest = null;
      this.shown = null;
      this.question = null;
      this.reveal = null;
      this.mine = null;
      this.note = "";
      this.source = null;
      this.dropped = false;
      this.device = deviceId();
    }
    async begin() {
      let state;
      try {
        state = await getClass(this.id);
      } catch (error) {
        this.live.leave(error instanceof ApiError && error.status === 410 ? "live.ended" : "live.not_found");
        return;
      }
      if (state.view) this.onView({ view: state.view });
      if (state.question) this.onQuestion(state.question);
      this.connect();
    }
    connect() {
      const source = new EventSource(classEventsUrl(this.id));
      this.source = source;
      const on = (name, handle) => source.addEventListener(name, (event) => {
        if (source === this.source) handle(JSON.parse(event.data));
      });
      on("view", (data) => this.onView(data));
      on("question", (data) => this.onQuestion(data));
      on("reveal", (data) => this.onReveal(data));
      on("closed", (data) => this.onClosed(data));
      on("end", () => this.onEnd());
      source.addEventListener("open", () => {
        this.dropped = false;
        this.live.refresh();
      });
      source.addEventListener("error", () => {
        this.dropped = true;
        this.live.refresh();
        if (source === this.source && source.readyState === EventSource.CLOSED) this.retry();
      });
    }
    /** The stream was refused (the class is full, or over): ask why, and try again a little later if it is on. */
    async retry() {
      this.source = null;
      try {
        await getClass(this.id);
      } catch (error) {
        if (error instanceof ApiError && [404, 410].includes(error.status)) return this.onEnd();
      }
      this.live.say(t("live.retrying"));
      setTimeout(() => {
        if (this.source === null && this.live.role === this) {
          this.live.say("");
          this.connect();
        }
      }, RETRY_MS);
    }
    // ---- following --------------------------------------------------------------------------------------------
    onView({ view }) {
      if (!view || typeof view !== "object") return;
      this.latest = view;
      if (this.following) this.show(view);
    }
    show(view) {
      showView(view, this.shown, this.live);
      this.shown = view;
    }
    detach() {
      this.following = false;
      this.live.refresh();
    }
    rejoin() {
      this.following = true;
      this.shown = null;
      if (this.latest) this.show(this.latest);
      this.live.refresh();
    }
    status() {
      if (!this.following) return t("live.detached");
      return this.dropped ? t("live.reconnecting") : t("live.following");
    }
    // ---- questions ------------------------------------------------------------------------------------------
    onQuestion(question) {
      if (!question?.qid || !Array.isArray(question.choices)) return;
      this.question = question;
      this.reveal = null;
      this.mine = remembered(VOTE(this.id, question.qid));
      this.note = this.mine ? t("live.voted") : t("live.pick");
      this.draw();
    }
    onReveal(reveal) {
      if (!this.question || reveal.qid !== this.question.qid) return;
      this.reveal = reveal;
      this.note = "";
      this.draw();
    }
    onClosed({ qid }) {
      if (this.question?.qid !== qid) return;
      this.question = null;
      this.draw();
    }
    async vote(choice) {
      const { qid } = this.question;
      this.mine = choice;
      this.note = t("live.sending");
      this.draw();
      try {
        const { counted } = await answerQuestion(this.id, qid, this.device, choice);
        remember(VOTE(this.id, qid), choice);
        this.note = counted ? t("live.voted") : t("live.voted_before");
      } catch (error) {
        this.mine = null;
        if (error instanceof ApiError && error.status === 409) this.note = t("live.vote_closed");
        else if (error instanceof ApiError && error.status === 429) this.note = t("live.vote_too_fast");
        else this.note = t("live.error", { message: error.message });
      }
      if (this.question?.qid === qid && !this.reveal) this.draw();
    }
    hide() {
      this.question = null;
      this.reveal = null;
      this.draw();
    }
    draw() {
      const { box } = this.live;
      document.body.classList.toggle("live-asking", Boolean(this.question && !this.reveal));
      if (!this.question) {
        hideQuestion(box);
      } else {
        const revealed = Boolean(this.reveal);
        drawQuestion(box, {
          question: this.question,
          tally: null,
          answers: 0,
          students: null,
          reveal: this.reveal,
          mine: this.mine,
          status: revealed ? this.verdict() : this.note,
          vote: revealed ? null : (choice) => this.vote(choice),
          actions: revealed ? [{ id: "live-hide", text: t("live.hide"), onClick: () => this.hide() }] : []
        });
      }
      this.live.refresh();
    }
    /** After the reveal: was the student's choice the correct one? */
    verdict() {
      const { correct } = this.reveal;
      if (correct === null) return t("live.no_correct");
      if (!this.mine) return t("live.not_voted");
      return this.mine === correct ? t("live.right") : t("live.wrong");
    }
    // ---- the end --------------------------------------------------------------------------------------------
    onEnd() {
      this.stop();
      this.live.leave("live.ended");
    }
    stop() {
      this.source?.close();
      this.source = null;
      this.question = null;
      this.draw();
    }
  };

  // static/js/live/teacher.js
  var SEND_EVERY_MS = 150;
  var TALLY_EVERY_MS = 500;
  var COUNT_EVERY_MS = 5e3;
  var SECRET = (id) => `gradflow.class.${id}.teacher`;
  function storedSecret(id) {
    try {
      return sessionStorage.getItem(SECRET(id));
    } catch {
      return null;
    }
  }
  function storeSecret(id, secret) {
    try {
      sessionStorage.setItem(SECRET(id), secret);
    } catch {
    }
  }
  function questionBody(text, choices, correctIndex) {
    const words = text.trim();
    const filled = choices.map((c, i) => ({ text: c.trim(), i })).filter((c) => c.text);
    if (!words) return { error: "live.form.need_text" };
    if (filled.length < 2) return { error: "live.form.need_choices" };
    const correct = filled.findIndex((c) => c.i === correctIndex);
    return { body: { text: words, choices: filled.map((c) => c.text), correct: correct >= 0 ? correct : null } };
  }
  var Teacher = class _Teacher {
    /** live: the page's live-class wiring (live.js): {host, lesson, run, bar, box, form, leave(notice)}. */
    constructor(live, id, secret) {
      Object.assign(this, { live, id, secret });
      this.question = null;
      this.reveal = null;
      this.tally = null;
      this.students = null;
      this.sent = null;
      this.timer = null;
      this.sending = false;
      this.poller = null;
      storeSecret(id, secret);
    }
    /** Start a new session from this page (the share panel's button); the page then teaches it. */
    static async start(live) {
      const info = await startClass();
      return new _Teacher(live, info.id, info.teacher_secret);
    }
    begin() {
      for (const what of ["url", "run", "step"]) document.addEventListener(`gradflow:${what}`, this.onChange);
      this.send();
      this.poll();
    }
    onChange = () => this.schedule();
    // ---- the view -----------------------------------------------------------------------------------------
    schedule() {
      if (this.timer === null) this.timer = setTimeout(() => this.send(), SEND_EVERY_MS);
      this.live.refresh();
    }
    async send() {
      this.timer = null;
      if (this.sending) return this.schedule();
      const view = viewOf(this.live);
      const text = JSON.stringify(view);
      if (text === this.sent) return;
      this.sending = true;
      try {
        await putClassView(this.id, this.secret, view);
        this.sent = text;
      } catch (error) {
        this.failed(error);
      } finally {
        this.sending = false;
      }
    }
    // ---- questions ------------------------------------------------------------------------------------------
    /** Ask the class the current lesson scene's question. */
    askScene() {
      const scene = this.live.lesson.scene;
      if (scene?.question) return this.ask({ scene: scene.id });
    }
    async ask(body) {
      try {
        const question = await openQuestion(this.id, this.secret, body);
        this.question = question;
        this.reveal = null;
        this.tally = null;
        this.draw();
        this.poll();
        return true;
      } catch (error) {
        this.failed(error);
        return false;
      }
    }
    async revealNow() {
      if (!this.question) return;
      try {
        this.reveal = await revealQuestion(this.id, this.secret, this.question.qid);
        this.draw();
        this.poll();
      } catch (error) {
        this.failed(error);
      }
    }
    async closeNow() {
      const question = this.question;
      this.question = null;
      this.reveal = null;
      this.draw();
      if (!question) return;
      try {
        await closeQuestion(this.id, this.secret, question.qid);
      } catch (error) {
        this.failed(error);
      }
      this.poll();
    }
    /** Take a revealed question off the screen (it is over already; nothing to tell the server). */
    hide() {
      this.question = null;
      this.reveal = null;
      this.draw();
    }
    draw() {
      const { box } = this.live;
      document.body.classList.toggle("live-asking", Boolean(this.question && !this.reveal));
      if (!this.question) {
        hideQuestion(box);
        this.live.refresh();
        return;
      }
      const open = !this.reveal;
      drawQuestion(box, {
        question: this.question,
        tally: this.tally?.qid === this.question.qid ? this.tally.tally : {},
        answers: this.tally?.qid === this.question.qid ? this.tally.answers : 0,
        students: this.students,
        reveal: this.reveal,
        mine: null,
        status: open ? "" : this.reveal.correct === null ? t("live.no_correct") : "",
        actions: open ? [
          { id: "live-reveal", text: t("live.reveal"), onClick: () => this.revealNow(), primary: true },
          { id: "live-close", text: t("live.close"), onClick: () => this.closeNow() }
        ] : [{ id: "live-hide", text: t("live.hide"), onClick: () => this.hide() }]
      });
      this.live.refresh();
    }
    // ---- what the teacher's screen is told: the tally and the number of students ------------------------------
    poll() {
      clearTimeout(this.poller);
      const open = this.question && !this.reveal;
      this.poller = setTimeout(() => this.check(), open ? TALLY_EVERY_MS : COUNT_EVERY_MS);
    }
    async check() {
      const open = this.question && !this.reveal;
      try {
        if (open) {
          const before = JSON.stringify(this.tally);
          this.tally = await getClassTally(this.id, this.secret);
          this.students = this.tally.students;
          if (this.question && !this.reveal && JSON.stringify(this.tally) !== before) this.draw();
        } else {
          this.students = (await getClass(this.id)).students;
        }
        this.live.refresh();
      } catch (error) {
        if (this.failed(error)) return;
      }
      this.poll();
    }
    /** The bar's words: the class is live, and how many students follow it. */
    status() {
      return this.students === null ? t("live.teaching") : t("live.teaching_n", { n: formatNumber(this.students, 6) });
    }
    // ---- the end -------------------------------------------------------------------------------------------
    async end() {
      try {
        await endClass(this.id, this.secret);
      } catch (error) {
        if (!(error instanceof ApiError && [404, 410].includes(error.status))) {
          this.failed(error);
          return;
        }
      }
      this.stop();
      this.live.leave("live.ended_teacher");
    }
    stop() {
      for (const what of ["url", "run", "step"]) document.removeEventListener(`gradflow:${what}`, this.onChange);
      clearTimeout(this.timer);
      clearTimeout(this.poller);
      try {
        sessionStorage.removeItem(SECRET(this.id));
      } catch {
      }
      this.question = null;
      this.reveal = null;
      this.draw();
    }
    /** A refused request: an ended session ends here too (true); anything else is said in the bar. */
    failed(error) {
      if (error instanceof ApiError && [404, 410].includes(error.status)) {
        this.stop();
        this.live.leave("live.ended");
        return true;
      }
      this.live.say(t("live.error", { message: error.message }));
      return false;
    }
  };

  // static/js/live.js
  var $ = (id) => document.getElementById(id);
  var CHOICES = 4;
  function takeFragmentSecret() {
    const match = /^#teach=([A-Za-z0-9_-]{16,200})$/.exec(location.hash);
    if (!location.hash.startsWith("#teach=")) return null;
    history.replaceState(null, "", location.pathname + location.search);
    return match ? match[1] : null;
  }
  var Live = class {
    /** host: main.js's handlers (classroom.js); lesson: the Lesson; share: the share panel. */
    constructor(host, lesson, share2) {
      Object.assign(this, { host, lesson, share: share2, run: host.run });
      this.box = $("live-question");
      this.role = null;
      this.notice = "";
      this.message = "";
      const bar = $("live-bar");
      if (bar) new ResizeObserver(() => document.documentElement.style.setProperty("--live-bar-height", `${bar.offsetHeight}px`)).observe(bar);
      if (this.box) {
        new ResizeObserver(() => {
          const gap = this.box.hidden ? 0 : parseFloat(getComputedStyle(this.box.parentElement).rowGap) || 0;
          const height = this.box.hidden ? 0 : this.box.offsetHeight + gap;
          document.documentElement.style.setProperty("--live-question-height", `${height}px`);
        }).observe(this.box);
      }
      this.wire();
    }
    get state() {
      return this.host.page.state;
    }
    /** A student following the teacher: the page is the teacher's, its controls are put away. */
    get following() {
      return this.role instanceof Student && this.role.following;
    }
    /** Keys are the teacher's while following, and the form's while it is open. */
    get blocksKeys() {
      return this.following || Boolean($("live-form")?.open);
    }
    wire() {
      $("live-start")?.addEventListener("click", () => this.startTeaching());
      $("live-detach")?.addEventListener("click", () => this.role?.detach());
      $("live-rejoin")?.addEventListener("click", () => this.role?.rejoin());
      $("live-ask")?.addEventListener("click", () => this.role?.askScene());
      $("live-quick")?.addEventListener("click", () => this.openForm());
      $("live-end")?.addEventListener("click", () => this.role?.end());
      $("live-dismiss")?.addEventListener("click", () => {
        this.notice = "";
        this.message = "";
        this.refresh();
      });
      $("live-form")?.addEventListener("submit", (event) => this.submitForm(event));
      $("live-form-cancel")?.addEventListener("click", () => $("live-form").close());
      document.addEventListener("gradflow:language", () => {
        this.role?.draw();
        this.refresh();
      });
    }
    /** On page load: teach or follow the class the URL names, if any. */
    begin() {
      const id = this.state.get("class");
      const secret = takeFragmentSecret();
      if (!id) return this.refresh();
      const held = secret ?? storedSecret(id);
      if (held) {
        this.role = new Teacher(this, id, held);
        this.role.begin();
      } else {
        this.role = new Student(this, id);
        this.role.begin();
      }
      this.refresh();
    }
    /** The share panel's "Start live class": a new session that this page teaches, its link in the QR code. */
    async startTeaching() {
      if (this.role) return;
      const status = $("live-start-status");
      status.textContent = t("live.starting");
      try {
        const teacher2 = await Teacher.start(this);
        this.role = teacher2;
        this.notice = "";
        this.state.set("class", teacher2.id);
        this.host.writeURL();
        teacher2.begin();
        status.textContent = t("live.started");
        this.share.refresh();
      } catch (error) {
        status.textContent = error instanceof ApiError ? error.message : t("live.error", { message: error.message });
      }
      this.refresh();
    }
    /** The class is over for this page (`key`: why, in the language files); the page is the user's own again. */
    leave(key) {
      this.role = null;
      this.notice = t(key);
      this.state.set("class", null);
      this.host.writeURL();
      this.share.refresh();
      this.refresh();
    }
    say(text) {
      this.message = text;
      this.refresh();
    }
    // ---- the teacher's own question -------------------------------------------------------------------------
    openForm() {
      const form = $("live-form");
      $("live-form-error").textContent = "";
      if (!form.open) form.showModal();
      $("live-form-text").focus();
    }
    async submitForm(event) {
      event.preventDefault();
      const choices = Array.from({ length: CHOICES }, (_, i) => $(`live-form-choice-${i}`).value);
      const marked = document.querySelector("input[name='live-correct']:checked");
      const { body, error } = questionBody($("live-form-text").value, choices, marked ? Number(marked.value) : -1);
      if (error) {
        $("live-form-error").textContent = t(error);
        return;
      }
      if (await this.role?.ask(body)) {
        $("live-form").close();
        $("live-form-body").reset();
      }
    }
    // ---- the bar ------------------------------------------------------------------------------------------------
    refresh() {
      const role = this.role;
      const teacher2 = role instanceof Teacher;
      const student = role instanceof Student;
      const body = document.body.classList;
      body.toggle("live-on", Boolean(role));
      body.toggle("live-teacher", teacher2);
      body.toggle("live-following", this.following);
      if (!role) body.remove("live-asking");
      const bar = $("live-bar");
      if (!bar) return;
      bar.hidden = !role && !this.notice;
      bar.dataset.role = teacher2 ? "teacher" : student ? "student" : "none";
      bar.dataset.following = String(this.following);
      $("live-status").textContent = role ? role.status() : this.notice;
      $("live-message").textContent = this.message;
      $("live-detach").hidden = !this.following;
      $("live-rejoin").hidden = !(student && !this.following);
      $("live-ask").hidden = !(teacher2 && this.lesson.scene?.question && !document.body.classList.contains("live-asking"));
      $("live-quick").hidden = !teacher2;
      $("live-end").hidden = !teacher2;
      $("live-dismiss").hidden = Boolean(role) && !this.message;
      const start2 = $("live-start");
      if (start2) start2.hidden = Boolean(role);
    }
  };
  function startLive(host, lesson, share2) {
    const live = new Live(host, lesson, share2);
    live.begin();
    return live;
  }

  // static/js/projection.js
  var Projection = class {
    /** host: {page, setProjection} from main.js. */
    constructor(host) {
      this.host = host;
      document.getElementById("projection-btn")?.addEventListener("click", () => this.fullScreen(this.on));
    }
    get on() {
      return Boolean(this.host.page.state.get("projection"));
    }
    toggle() {
      const on = !this.on;
      this.host.setProjection(on);
      this.fullScreen(on);
    }
    fullScreen(on) {
      const root = document.documentElement;
      if (on && !document.fullscreenElement && document.fullscreenEnabled && root.requestFullscreen) {
        root.requestFullscreen({ navigationUI: "hide" }).catch(() => {
        });
      } else if (!on && document.fullscreenElement) {
        document.exitFullscreen().catch(() => {
        });
      }
    }
  };

  // static/js/share.js
  var $2 = (id) => document.getElementById(id);
  function classroomLink(href, base) {
    const here = new URL(href);
    here.searchParams.delete("projection");
    here.hash = "";
    if (!base) return here.href;
    const there = new URL(base);
    there.pathname = here.pathname;
    there.search = here.search;
    return there.href;
  }
  var SharePanel = class {
    constructor() {
      this.dialog = $2("share-dialog");
      this.info = null;
      $2("class-share-btn")?.addEventListener("click", () => this.toggle());
      $2("share-close")?.addEventListener("click", () => this.close());
      $2("share-copy")?.addEventListener("click", () => this.copy());
      $2("share-address")?.addEventListener("change", () => this.refresh());
    }
    get isOpen() {
      return Boolean(this.dialog?.open);
    }
    toggle() {
      if (this.isOpen) this.close();
      else this.show();
    }
    async show() {
      if (!this.dialog) return;
      $2("share-copied").textContent = "";
      if (!this.dialog.open) this.dialog.showModal();
      try {
        this.info = await getClassroom();
        $2("share-error").textContent = "";
      } catch (error) {
        this.info = null;
        $2("share-error").textContent = t("classroom.error", { message: error.message });
      }
      this.fillAddresses();
      this.refresh();
    }
    close() {
      if (this.dialog?.open) this.dialog.close();
    }
    fillAddresses() {
      const select = $2("share-address");
      const urls = this.info?.urls || [];
      select.replaceChildren(...urls.map((url) => Object.assign(document.createElement("option"), { value: url, textContent: url })));
      $2("share-address-row").hidden = urls.length < 2;
      const note = $2("share-loopback");
      note.hidden = !this.info || this.info.reachable_from_network;
      note.textContent = this.info ? t("classroom.loopback", { command: this.info.how_to_expose }) : "";
      $2("share-exposes").hidden = !this.info?.reachable_from_network;
    }
    /** The link and its QR code for the view as it is now (call again after the view changed). */
    refresh() {
      if (!this.isOpen) return;
      const base = $2("share-address").value || this.info?.urls?.[0] || null;
      const link = classroomLink(location.href, base);
      const anchor = $2("share-link");
      anchor.href = link;
      anchor.textContent = link;
      const img = $2("share-qr");
      img.alt = t("classroom.qr_alt", { url: link });
      const src = classroomQrUrl(link);
      if (img.getAttribute("src") !== src) img.src = src;
      this.dialog.dataset.link = link;
    }
    async copy() {
      const link = $2("share-link").href;
      try {
        await navigator.clipboard.writeText(link);
        $2("share-copied").textContent = t("share.copied");
      } catch {
        $2("share-copied").textContent = t("share.copy_this", { url: link });
      }
    }
  };

  // static/js/classroom.js
  var $3 = (id) => document.getElementById(id);
  var KeysHelp = class {
    constructor() {
      this.box = $3("keys-help");
      $3("help-btn")?.addEventListener("click", () => this.toggle());
      $3("keys-help-close")?.addEventListener("click", () => this.close());
    }
    get isOpen() {
      return Boolean(this.box && !this.box.hidden);
    }
    toggle() {
      if (!this.box) return;
      this.box.hidden = !this.box.hidden;
      $3("help-btn")?.setAttribute("aria-expanded", String(this.isOpen));
    }
    close() {
      if (this.isOpen) this.toggle();
    }
  };
  function startClassroom(host) {
    const lesson = new Lesson(host, $3("lesson-panel"));
    const projection = new Projection(host);
    const share2 = new SharePanel();
    const help = new KeysHelp();
    const run2 = host.run;
    const trainRequest = () => host.page.state.request("train");
    document.addEventListener("gradflow:trace", () => {
      lesson.onTrace();
      share2.refresh();
    });
    document.addEventListener("gradflow:run", () => lesson.onRun());
    document.addEventListener("gradflow:language", () => {
      lesson.render();
      share2.refresh();
    });
    document.addEventListener("gradflow:projection", () => lesson.onProjection());
    const widget = () => lesson.open ? lesson.widget : null;
    listenKeys(
      {
        play() {
          if (widget()?.toggle) widget().toggle();
          else if (!lesson.open) run2.toggle(trainRequest());
        },
        earlier() {
          if (widget()?.step) widget().step(-1);
          else if (lesson.open) lesson.previous();
          else return false;
        },
        later() {
          if (widget()?.step) widget().step(1);
          else if (lesson.open) lesson.next();
          else run2.step(trainRequest());
        },
        previous: () => lesson.open ? lesson.previous() : lesson.toggle(),
        next: () => lesson.open ? lesson.next() : lesson.toggle(),
        projection: () => projection.toggle(),
        lesson: () => lesson.toggle(),
        help: () => help.toggle(),
        escape() {
          if (help.isOpen) help.close();
          else return false;
        }
      },
      () => share2.isOpen || live.blocksKeys
    );
    lesson.init(location.search);
    const live = startLive(host, lesson, share2);
    return { lesson, projection, share: share2, help, live };
  }

  // static/js/controls.js
  var GROUPS = [
    { id: "model", keys: ["cells", "task", "sentence", "T", "V", "S", "delay", "period", "noise", "L", "H", "spectral_radius", "activation", "forget_bias", "update_bias", "truncate", "trained_steps", "seed"] },
    { id: "training", keys: ["optimizer", "lr", "clip", "steps", "seconds"] },
    { id: "advanced", collapsed: true, keys: [] }
  ];
  var HIDDEN = /* @__PURE__ */ new Set(["include_weights", "weights", "input"]);
  var ONLY_FOR_TASK = { sentence: "text" };
  function sliderStep(lo, hi) {
    const raw = (hi - lo) / 400;
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  }
  var BOUNDED_BY = {
    example: { key: "batch", offset: -1 },
    L: { key: "T", offset: 0 }
  };
  var FINE = {
    spectral_radius: [
      [0.05, 0.5],
      [0.01, 1.5],
      [0.05, 3],
      [0.5, Infinity]
    ]
  };
  function ladder(lo, hi, rungs) {
    const values2 = [lo];
    for (const [step, upTo] of rungs) {
      const end = Math.min(upTo, hi);
      let v = Math.ceil((values2[values2.length - 1] + step / 2) / step) * step;
      for (; v <= end + 1e-9; v += step) values2.push(Number(v.toFixed(6)));
    }
    if (values2[values2.length - 1] < hi) values2.push(hi);
    return values2;
  }
  function nearest(values2, v) {
    let best = 0;
    for (let i = 1; i < values2.length; i++) if (Math.abs(values2[i] - v) < Math.abs(values2[best] - v)) best = i;
    return best;
  }
  function sliderScale(name, lo, hi, integer) {
    if (FINE[name] && !integer) {
      const values2 = ladder(lo, hi, FINE[name]);
      return { min: 0, max: values2.length - 1, step: 1, toSlider: (v) => nearest(values2, v), fromSlider: (p) => values2[Math.round(p)] };
    }
    if (!integer && lo > 0 && hi / lo >= 1e3) {
      const clamp = (v) => Math.min(Math.max(v, lo), hi);
      return {
        min: Math.log10(lo),
        max: Math.log10(hi),
        step: 0.01,
        toSlider: (v) => Math.log10(clamp(v)),
        fromSlider: (p) => clamp(Number((10 ** p).toPrecision(3)))
      };
    }
    if (integer) return { min: lo, max: hi, step: 1, toSlider: (v) => v, fromSlider: (p) => Math.round(p) };
    const step = sliderStep(lo, hi);
    const n = Math.ceil((hi - lo) / step - 1e-9);
    return {
      min: 0,
      max: n,
      step: 1,
      toSlider: (v) => Math.round((Math.min(Math.max(v, lo), hi) - lo) / step),
      fromSlider: (p) => Math.round(p) >= n ? hi : Number((lo + Math.round(p) * step).toPrecision(6))
    };
  }
  function typed(input) {
    const raw = input.value.trim();
    if (raw === "") return void 0;
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  var Controls = class {
    /**
     * root: the element the controls go in; meta: GET /api/meta; state: the State; lang: "en" | "ko";
     * onChange(key, value, live): a control moved; onPreset(name): a preset was chosen.
     */
    constructor(root, { meta, state, onChange: onChange2, onPreset: onPreset2, payloads = () => ({ trace: null }) }) {
      this.root = root;
      this.meta = meta;
      this.state = state;
      this.onChange = onChange2;
      this.onPreset = onPreset2;
      this.payloads = payloads;
      this.taskParams = new Set(Object.values(meta.tasks).flatMap((task) => Object.keys(task.params || {})));
      this.fields = /* @__PURE__ */ new Map();
    }
    /** (Re)build every control in the current language and show the state's values. */
    build(lang) {
      this.lang = lang;
      this.fields.clear();
      const body = el("div", { class: "controls-body" });
      body.append(this.presetField());
      const rows = Object.values(this.state.table).filter((row) => row.endpoints.length && !HIDDEN.has(row.key));
      const placed = new Set(GROUPS.flatMap((g) => g.keys));
      for (const group of GROUPS) {
        const keys = group.keys.length ? group.keys : rows.map((r) => r.key).filter((k) => !placed.has(k));
        const fieldset = el("fieldset", {}, [el("legend", { text: t(`controls.group.${group.id}`) })]);
        for (const key of keys) {
          const row = this.state.table[key];
          if (row && !HIDDEN.has(key)) fieldset.append(this.field(row));
        }
        if (group.collapsed) {
          const details = el("details", { class: "advanced" }, [el("summary", { text: t(`controls.group.${group.id}`) })]);
          fieldset.querySelector("legend").classList.add("visually-hidden");
          details.append(fieldset);
          body.append(details);
        } else {
          body.append(fieldset);
        }
      }
      this.root.replaceChildren(body);
      this.root.removeAttribute("aria-busy");
      this.sync();
    }
    presetField() {
      const select = el("select", { id: "ctl-preset", "aria-describedby": "help-preset" });
      select.append(el("option", { value: "", text: t("controls.preset_custom") }));
      for (const preset of this.meta.presets) {
        const title = preset.title?.[this.lang] || preset.title?.en || preset.name;
        select.append(el("option", { value: preset.name, text: title }));
      }
      select.addEventListener("change", () => this.onPreset(select.value || null));
      const help = el("p", { id: "help-preset", class: "preset-description", "aria-live": "polite" });
      const wrap = el("div", { class: "field", "data-key": "preset" }, [
        el("label", { class: "field-label", for: "ctl-preset", text: t("controls.preset") }),
        select,
        help
      ]);
      this.fields.set("preset", {
        wrap,
        sync: () => {
          select.value = this.state.get("preset") || "";
          const preset = this.meta.presets.find((p) => p.name === select.value);
          const words = preset ? preset.description?.[this.lang] || preset.description?.en || "" : "";
          help.textContent = preset ? fillQuantities(words, preset, this.payloads(), (v) => formatNumber(v, 3)) : t("controls.preset_help");
        }
      });
      return wrap;
    }
    /** The tooltip: what the parameter does, then its range and default from the meta. */
    help(row, spec) {
      const parts = [t(`param.${row.key}.help`)];
      if (spec.minimum !== void 0 && spec.maximum !== void 0) {
        parts.push(t("controls.range", { min: formatNumber(spec.minimum, 4), max: formatNumber(spec.maximum, 4) }));
      }
      const shown = this.defaultOf(row);
      if (typeof shown === "number" || typeof shown === "string") {
        parts.push(t("controls.default", { value: typeof shown === "number" ? formatNumber(shown, 4) : this.optionLabel(row, shown) }));
      }
      return parts.join(" ");
    }
    /**
     * The chosen task's own spec for a task parameter (its default), with bounds that both the task and the
     * request's field accept (the task may allow T up to 1000 where /api/trace stops at 500); else the row.
     */
    specOf(row) {
      const task = this.meta.tasks[this.state.get("task")];
      const own = this.taskParams.has(row.name) && task?.params?.[row.name];
      const pick = (a, b, f) => a === void 0 ? b : b === void 0 ? a : f(a, b);
      const spec = own ? { ...own, minimum: pick(own.minimum, row.minimum, Math.max), maximum: pick(own.maximum, row.maximum, Math.min) } : row;
      const bound = BOUNDED_BY[row.name];
      if (!bound) return spec;
      const other = this.state.table[bound.key];
      const limit = (this.state.get(bound.key) ?? this.specOf(other).default ?? other?.maximum) + bound.offset;
      return Number.isFinite(limit) ? { ...spec, maximum: Math.min(spec.maximum ?? limit, limit) } : spec;
    }
    defaultOf(row) {
      return this.taskParams.has(row.name) ? this.specOf(row).default ?? null : row.default;
    }
    optionLabel(row, value) {
      if (value === null) return t("controls.task_default");
      return row.name === "task" ? t(`task.${value}`) : t(`enum.${row.name}.${value}`);
    }
    field(row) {
      const id = `ctl-${row.key}`;
      const error = el("p", { class: "field-error", id: `err-${row.key}`, role: "alert" });
      const helpId = `help-${row.key}`;
      const described = `${helpId} err-${row.key}`;
      const wrap = el("div", { class: "field", "data-key": row.key });
      const label3 = t(`param.${row.key}.label`);
      let sync;
      if (row.type === "array") {
        const group = el("div", { class: "checks", role: "group", "aria-label": label3, "aria-describedby": described });
        const boxes = (row.items?.enum || []).map((kind) => {
          const box = el("input", { type: "checkbox", id: `${id}-${kind}`, value: kind });
          box.addEventListener("change", () => {
            const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
            this.onChange(row.key, chosen, false);
          });
          group.append(el("label", { for: box.id }, [box, el("span", { class: `swatch swatch-${kind}`, "aria-hidden": "true" }), document.createTextNode(t(`cell.${kind}`))]));
          return box;
        });
        wrap.append(el("span", { class: "field-label", text: label3 }), group);
        sync = () => {
          const chosen = this.state.get(row.key) || [];
          for (const b of boxes) b.checked = chosen.includes(b.value);
        };
      } else if (row.enum || row.key === "task") {
        const options = row.key === "task" ? Object.keys(this.meta.tasks) : row.enum;
        const select = el("select", { id, "aria-describedby": described });
        if (row.nullable) select.append(el("option", { value: "", text: t("controls.task_default") }));
        for (const v of options) select.append(el("option", { value: v, text: this.optionLabel(row, v) }));
        select.addEventListener("change", () => this.onChange(row.key, select.value === "" ? null : select.value, false));
        wrap.append(el("label", { class: "field-label", for: id, text: label3 }), select);
        sync = () => {
          select.value = this.state.get(row.key) ?? "";
        };
      } else if (row.type === "string") {
        sync = this.textField(row, wrap, { id, label: label3, described });
      } else if (row.type === "boolean") {
        const box = el("input", { type: "checkbox", id, "aria-describedby": described });
        box.addEventListener("change", () => this.onChange(row.key, box.checked, false));
        wrap.append(el("label", { class: "field-label checks", for: id }, [box, document.createTextNode(label3)]));
        sync = () => {
          box.checked = Boolean(this.state.get(row.key));
        };
      } else {
        sync = this.numberField(row, wrap, { id, label: label3, described });
      }
      wrap.append(el("span", { id: helpId, class: "visually-hidden" }), error);
      const entry = {
        wrap,
        error,
        sync: () => {
          const spec = this.specOf(row);
          const help = this.help(row, spec);
          wrap.title = help;
          wrap.querySelector(`#${helpId}`).textContent = help;
          const task = this.state.get("task");
          wrap.hidden = this.taskParams.has(row.name) && !this.meta.tasks[task]?.params?.[row.name] || ONLY_FOR_TASK[row.name] !== void 0 && ONLY_FOR_TASK[row.name] !== task;
          sync(spec);
          this.showFixed(row, wrap);
        }
      };
      this.fields.set(row.key, entry);
      return wrap;
    }
    /**
     * A number: a slider over the parameter's range and a number box, always showing the same value. The slider
     * is linear, logarithmic when the range spans three decades or more, or a ladder of values (FINE) where one
     * region matters most. A nullable parameter whose null means "off" (truncation, clipping) gets a checkbox
     * that turns it on; a task parameter's null means "the task's default", which the controls show.
     */
    numberField(row, wrap, { id, label: label3, described }) {
      const integer = row.type === "integer";
      const switchable = row.nullable && !this.taskParams.has(row.name);
      const number = el("input", { type: "number", id, inputmode: integer ? "numeric" : "decimal", "aria-describedby": described });
      const slider2 = el("input", { type: "range", id: `${id}-range`, "aria-label": label3, "aria-describedby": described });
      const toggle = switchable ? el("input", { type: "checkbox", id: `${id}-on`, "aria-label": t("controls.enable", { name: label3 }) }) : null;
      let scale2 = null;
      let lastOn = null;
      slider2.addEventListener("input", () => {
        const v = scale2.fromSlider(Number(slider2.value));
        number.value = v;
        slider2.setAttribute("aria-valuetext", String(v));
        this.onChange(row.key, v, true);
      });
      slider2.addEventListener("change", () => this.onChange(row.key, scale2.fromSlider(Number(slider2.value)), false));
      number.addEventListener("input", () => {
        const v = typed(number);
        if (typeof v === "number" && scale2) slider2.value = scale2.toSlider(v);
      });
      number.addEventListener("change", () => {
        const v = typed(number);
        if (v !== void 0) this.onChange(row.key, v, false);
      });
      toggle?.addEventListener("change", () => {
        const spec = this.specOf(row);
        const on = lastOn ?? typed(number) ?? spec.examples?.[0] ?? spec.minimum;
        this.onChange(row.key, toggle.checked ? on : null, false);
      });
      const head = el("div", { class: "field-label" }, [
        toggle ? el("label", { for: toggle.id, class: "checks" }, [toggle, document.createTextNode(label3)]) : el("label", { for: id, text: label3 })
      ]);
      wrap.append(head, el("div", { class: "field-row" }, [slider2, number]));
      return (spec) => {
        const lo = spec.minimum ?? 0;
        const hi = spec.maximum ?? 1;
        slider2.hidden = integer && hi - lo > 1e4;
        scale2 = sliderScale(row.name, lo, hi, integer);
        Object.assign(slider2, { min: scale2.min, max: scale2.max, step: scale2.step });
        number.min = lo;
        number.max = hi;
        number.step = integer ? 1 : "any";
        const value = this.state.get(row.key);
        const shown = value ?? this.defaultOf(row);
        if (toggle) {
          toggle.checked = value !== null;
          if (value !== null) lastOn = value;
        }
        const off = toggle && !toggle.checked;
        number.disabled = slider2.disabled = Boolean(off);
        number.value = shown ?? lastOn ?? "";
        const v = typeof shown === "number" ? shown : Number(number.value);
        if (Number.isFinite(v) && number.value !== "") {
          slider2.value = scale2.toSlider(v);
          slider2.setAttribute("aria-valuetext", String(v));
        }
      };
    }
    /**
     * Text (your own sentence): a one-line box, sent when it is left or Enter is pressed; emptied, it is null
     * (the task's own data). Its length limits are the API's; longer text still goes to the server, which
     * names the limit.
     */
    textField(row, wrap, { id, label: label3, described }) {
      const box = el("input", { type: "text", id, "aria-describedby": described, spellcheck: "false", autocomplete: "off", placeholder: t(`param.${row.key}.placeholder`) });
      box.addEventListener("change", () => this.onChange(row.key, box.value === "" ? null : box.value, false));
      wrap.append(el("label", { class: "field-label", for: id, text: label3 }), box);
      return () => {
        box.value = this.state.get(row.key) ?? "";
      };
    }
    /**
     * Controls that another setting decides, shown with the value it sets, disabled, and the reason under
     * them: T while the text task reads your sentence (T is its length − 1), and the cells and H of an
     * uploaded network (`showUpload`). They return to their own values when that setting goes.
     */
    fixedValue(row) {
      const sentence = this.state.get("sentence");
      if (row.key === "T" && this.state.get("task") === "text" && typeof sentence === "string") {
        const T = [...sentence.normalize("NFC")].length - 1;
        return { value: T, note: t("controls.T_from_sentence", { T }) };
      }
      const up = this.uploaded;
      if (!up || !(row.key === "cells" || row.key === "H")) return null;
      const note = t("controls.from_upload", { cell: t(`cell.${up.kind}`), H: up.H });
      return row.key === "cells" ? { value: [up.kind], note } : { value: up.H, note };
    }
    showFixed(row, wrap) {
      const fixed = this.fixedValue(row);
      let note = wrap.querySelector(".field-note");
      if (!fixed) {
        if (note) {
          note.remove();
          for (const input of wrap.querySelectorAll("input")) input.disabled = false;
        }
        return;
      }
      for (const input of wrap.querySelectorAll("input")) {
        input.disabled = true;
        if (input.type === "checkbox") input.checked = fixed.value.includes(input.value);
        else input.value = fixed.value;
      }
      if (!note) {
        note = el("p", { class: "field-note muted" });
        wrap.append(note);
      }
      note.textContent = fixed.note;
    }
    /** The uploaded network the charts show ({kind, H}), or null for the app's own cells. */
    showUpload(uploaded) {
      const same2 = JSON.stringify(uploaded ?? null) === JSON.stringify(this.uploaded ?? null);
      this.uploaded = uploaded;
      if (!same2) this.sync();
    }
    /** Show every control's value from the state (after a preset, a shared URL, a language switch). */
    sync() {
      for (const field of this.fields.values()) field.sync();
    }
    /** The server's sentence under the control of `key` (false when there is no such control). */
    showError(key, message) {
      const field = this.fields.get(key);
      if (!field?.error || field.wrap.hidden) return false;
      field.error.textContent = message;
      for (const input of field.wrap.querySelectorAll("input, select")) input.setAttribute("aria-invalid", "true");
      return true;
    }
    clearErrors() {
      for (const field of this.fields.values()) {
        if (!field.error) continue;
        field.error.textContent = "";
        for (const input of field.wrap.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
      }
    }
  };

  // static/js/messages.js
  var $4 = (id) => document.getElementById(id);
  function showBanner(text, kind = "error") {
    $4("banner-text").textContent = text;
    $4("banner").dataset.kind = kind;
    $4("banner").hidden = !text;
  }
  function errorText(error, table) {
    const d = Array.isArray(error.detail) ? error.detail[0] : null;
    const key = `error.${d?.type}`;
    if (language() === "en" || !d?.field || !has(key)) return error.message;
    const label3 = table[d.field] ? t(`param.${d.field}.label`) : d.field;
    return t(key, { field: label3, limit: d.limit ?? "", got: d.got ?? "" });
  }
  function showError(error, { endpoint, state, controls }) {
    if (!(error instanceof ApiError)) {
      showBanner(t("banner.network", { message: error.message }));
      return;
    }
    if (error.status === 503) {
      showBanner(t("banner.busy"), "info");
      return;
    }
    if (Array.isArray(error.detail) && error.detail[0]?.type === "offline") {
      const key2 = error.field && state.keyOf(endpoint, error.field);
      if (key2) controls.showError(key2, error.detail[0].message);
      showBanner(error.message, "info");
      return;
    }
    const text = errorText(error, state.table);
    const key = error.field && state.keyOf(endpoint, error.field);
    if (!(key && controls.showError(key, text))) showBanner(t("banner.rejected", { message: text }));
  }
  function overflowText(cells) {
    return Object.entries(cells).filter(([, cell]) => cell.overflow).map(([kind, cell]) => {
      const { side, step } = overflowAt(cell);
      const words = { cell: t(`cell.${kind}`), step: step + 1 };
      return side === "forward" ? t("banner.overflow_forward", words) : t("banner.overflow", words);
    }).join(" ");
  }

  // static/js/state.js
  var PAGE_PARAMS = {
    lang: { type: "string", enum: ["en", "ko"], default: null },
    projection: { type: "boolean", default: false },
    preset: { type: "string", default: null },
    lesson: { type: "integer", default: null },
    // the lesson scene shown, 1-based (static/js/lesson/scenes.js)
    class: { type: "string", default: null }
    // the live class this page teaches or follows (static/js/live.js)
  };
  function buildTable(meta) {
    const table = {};
    for (const [endpoint, params] of Object.entries(meta.parameters)) {
      for (const [name, spec] of Object.entries(params)) {
        table[spec.key] ??= { ...spec, name, endpoints: [] };
        table[spec.key].endpoints.push(endpoint);
      }
    }
    for (const [key, spec] of Object.entries(PAGE_PARAMS)) table[key] = { ...spec, key, name: key, endpoints: [] };
    return table;
  }
  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  function parse(spec, raw) {
    if (raw === "" && (spec.nullable || spec.default === null)) return null;
    switch (spec.type) {
      case "integer":
        return /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
      case "number":
        return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
      case "boolean":
        return { true: true, 1: true, false: false, 0: false }[raw] ?? raw;
      default:
        return raw;
    }
  }
  function serialise(value) {
    if (value === null) return [""];
    return (Array.isArray(value) ? value : [value]).map(String);
  }
  var State = class _State {
    constructor(table) {
      this.table = table;
      this.values = {};
    }
    get(key) {
      return Object.hasOwn(this.values, key) ? this.values[key] : this.table[key]?.default;
    }
    /** Set one parameter; setting it back to its default removes it from the URL. */
    set(key, value) {
      if (!this.table[key]) throw new Error(`state: unknown parameter ${key}`);
      if (same(value, this.table[key].default)) delete this.values[key];
      else this.values[key] = value;
    }
    /** Everything back to the defaults, keeping the page's own parameters (language, theme). */
    resetModel() {
      for (const key of Object.keys(this.values)) if (!(key in PAGE_PARAMS)) delete this.values[key];
    }
    /**
     * The body of a request to `endpoint` ("trace", "train", "gradcheck"): the values that differ from the
     * defaults, of the parameters that endpoint takes. The server fills in its own defaults for the rest.
     */
    request(endpoint) {
      const body = {};
      for (const [key, value] of Object.entries(this.values)) {
        const row = this.table[key];
        if (row.endpoints.includes(endpoint)) body[row.name] = value;
      }
      return body;
    }
    /** Is `trace` the one computed for the current trace request (not one still on its way, or an older one)? */
    shows(trace) {
      if (!trace?.config) return false;
      return Object.entries(this.request("trace")).every(([name, value]) => JSON.stringify(trace.config[name]) === JSON.stringify(value));
    }
    /**
     * Does the current trace request equal the one `preset` makes (its training then its trace configuration
     * over the defaults, as choosing it does)? A preset's quoted numbers are claims about that configuration only.
     */
    isPreset(preset) {
      const fresh = new _State(this.table);
      fresh.apply("train", preset.train);
      fresh.apply("trace", preset.trace);
      const mine = this.request("trace");
      const own = fresh.request("trace");
      return [.../* @__PURE__ */ new Set([...Object.keys(mine), ...Object.keys(own)])].every((name) => same(mine[name], own[name]));
    }
    /** The page's key of the API field `name` of `endpoint` (they differ only where specs differ). */
    keyOf(endpoint, name) {
      return Object.values(this.table).find((row) => row.name === name && row.endpoints.includes(endpoint))?.key;
    }
    /** Take the values of a request body of `endpoint` (a preset's trace or train configuration). */
    apply(endpoint, config) {
      for (const [name, value] of Object.entries(config || {})) {
        const key = this.keyOf(endpoint, name);
        if (key) this.set(key, value);
      }
    }
    /** Read the state from a query string (on top of the current values when `merge`); unknown names are ignored. */
    readURL(search, merge = false) {
      const query = new URLSearchParams(search);
      if (!merge) this.values = {};
      for (const key of new Set(query.keys())) {
        const spec = this.table[key];
        if (!spec) continue;
        const raws = query.getAll(key);
        const value = spec.type === "array" ? raws.filter((r) => r !== "") : parse(spec, raws[raws.length - 1]);
        this.set(key, value);
      }
    }
    /** The query string of the state, or of `values` (no leading "?"), parameters in table order. */
    toQuery(values2 = this.values) {
      const query = new URLSearchParams();
      for (const key of Object.keys(this.table)) {
        if (!Object.hasOwn(values2, key)) continue;
        for (const v of serialise(values2[key])) query.append(key, v);
      }
      return query.toString();
    }
  };

  // static/js/own.js
  var $5 = (id) => document.getElementById(id);
  function tableOf(fileInput, textArea, name) {
    const file = fileInput.files?.[0];
    if (file) return file;
    const text = textArea.value.trim();
    return text ? new File([text], name, { type: "text/csv" }) : null;
  }
  function wireOwnInput({ onChange: onChange2, table }) {
    $5("input-use").addEventListener("click", async () => {
      const x = tableOf($5("input-file"), $5("input-text"), "pasted.csv");
      if (!x) {
        $5("input-status").textContent = t("input.empty");
        return;
      }
      const y = tableOf($5("input-targets-file"), $5("input-targets-text"), "pasted-targets.csv");
      $5("input-status").textContent = t("input.sending");
      try {
        const info = await uploadInput(x, y);
        $5("input-status").textContent = "";
        onChange2("input", info.input);
      } catch (error) {
        $5("input-status").textContent = error instanceof ApiError ? errorText(error, table()) : String(error);
      }
    });
    $5("input-clear").addEventListener("click", () => onChange2("input", null));
  }
  function showOwnInput(trace, weights, input) {
    $5("input-panel").hidden = !weights;
    if (input) $5("input-panel").open = true;
    $5("input-clear").hidden = !input;
    if (input && trace?.task?.name === "input") {
      const { length, input_size: D, targets } = trace.task;
      $5("input-status").textContent = t(targets === "given" ? "input.active_targets" : "input.active", { T: length, D });
    } else if (!input && $5("input-status").dataset.shown) {
      $5("input-status").textContent = "";
    }
    $5("input-status").dataset.shown = input ? "1" : "";
  }

  // static/js/main.js
  var $6 = (id) => document.getElementById(id);
  var announce = (what) => document.dispatchEvent(new CustomEvent(`gradflow:${what}`));
  var VIEWS = {
    flow: (d, ctx) => gradientFlow(d.flowSource, ctx),
    curves: (d, ctx) => trainingCurves(d.run, ctx),
    training: (d, ctx) => gradientOverTraining(d.run, ctx),
    error: (d, ctx) => stepError(d.trace, ctx),
    contrib: (d, ctx) => weightGradContributions(d.trace, ctx),
    jacobian: (d, ctx) => jacobianNorms(d.trace, ctx),
    hidden: (d, ctx) => hiddenStates(d.trace, ctx),
    gates: (d, ctx) => gates(d.trace, ctx),
    connectivity: (d, ctx) => connectivity(d.trace, ctx)
  };
  var CAPTIONS = { flow: flowCaption, hidden: hiddenCaption, gates: gatesCaption };
  var TRACE_VIEWS = ["flow", "error", "contrib", "jacobian", "hidden", "gates", "connectivity"];
  var RUN_VIEWS = ["flow", "curves", "training"];
  var NARROW = window.matchMedia("(max-width: 600px)");
  var page = { meta: null, state: null, controls: null, badge: null, trace: null, compare: [], accepted: {} };
  var run = new TrainingRun(onRunUpdate);
  function chartContext() {
    return { t, fmt: formatNumber, projection: Boolean(page.state.get("projection")), narrow: NARROW.matches };
  }
  function viewData() {
    const shown = run.visible();
    const last = shown[shown.length - 1];
    return {
      trace: page.trace,
      run: { snapshots: shown, task: run.info?.task ?? page.trace?.task },
      flowSource: last ?? (page.trace && { ...page.trace, compare: page.compare })
    };
  }
  function draw(views) {
    const data = viewData();
    const ctx = chartContext();
    const characters = (view, figure) => TRACE_VIEWS.includes(view) ? withCharacters(figure, page.trace, ctx, { predict: view !== "flow" || data.flowSource?.step === void 0 }) : figure;
    redraw(
      views.filter((view) => view !== "flow" || data.flowSource),
      (view) => characters(view, finish(VIEWS[view](data, ctx), ctx))
    );
    $6("readout-flow").textContent = flowReadout(page.trace, ctx);
    for (const view of views) {
      const source = view === "flow" ? data.flowSource : data.trace;
      if (CAPTIONS[view] && source) document.querySelector(`#card-${view} .caption`).textContent = CAPTIONS[view](source, ctx);
    }
  }
  function errorContext(endpoint) {
    return { endpoint, state: page.state, controls: page.controls };
  }
  function currentPayloads() {
    const preset = page.meta.presets.find((p) => p.name === page.state.get("preset"));
    const own = preset && page.state.isPreset(preset) && page.state.shows(page.trace);
    return own ? { trace: page.trace, compare: page.compare } : { trace: null };
  }
  var traceInFlight = false;
  var traceQueued = false;
  async function refreshTrace() {
    if (traceInFlight) {
      traceQueued = true;
      return;
    }
    traceInFlight = true;
    setLoading(TRACE_VIEWS, true);
    $6("run-status").textContent = t("status.computing");
    const asked = { ...page.state.values };
    try {
      const preset = page.meta.presets.find((p) => p.name === page.state.get("preset"));
      const others = (preset?.compare || []).map((c) => getTrace(c.trace));
      page.trace = await getTrace(page.state.request("trace"));
      accept(asked);
      page.compare = (await Promise.all(others)).map((trace, i) => ({
        label: preset.compare[i].label[language()] ?? preset.compare[i].label.en,
        cells: trace.cells
      }));
      page.controls.clearErrors();
      page.controls.fields.get("preset")?.sync();
      showWeights();
      showBanner(overflowText(page.trace.cells));
      $6("run-status").textContent = "";
      draw(TRACE_VIEWS);
      page.badge.schedule();
      announce("trace");
    } catch (error) {
      setLoading(TRACE_VIEWS, false);
      $6("run-status").textContent = "";
      page.controls.clearErrors();
      showBanner("");
      page.badge.clear();
      showError(error, errorContext("trace"));
    } finally {
      traceInFlight = false;
      if (traceQueued) {
        traceQueued = false;
        refreshTrace();
      }
    }
  }
  function showWeights() {
    const hash = page.state.get("weights");
    const cell = hash && page.trace ? Object.values(page.trace.cells)[0] : null;
    $6("weights-status").textContent = cell ? t("weights.active", { cell: t(`cell.${cell.kind}`), H: cell.H, D: page.trace.sizes.D }) : "";
    page.controls.showUpload(cell ? { kind: cell.kind, H: cell.H } : null);
    showOwnInput(page.trace, hash, page.state.get("input"));
    $6("weights-clear").hidden = !hash;
  }
  async function useWeights(file) {
    if (!file) return;
    $6("weights-status").textContent = t("weights.uploading", { name: file.name });
    try {
      const info = await uploadWeights(file);
      onChange("weights", info.weights);
    } catch (error) {
      $6("weights-status").textContent = error instanceof ApiError ? errorText(error, page.state.table) : String(error);
    }
  }
  function onRunUpdate() {
    const shown = run.visible();
    const last = shown[shown.length - 1];
    const total = run.info?.config?.steps ?? page.state.request("train").steps ?? page.state.table.steps?.default;
    $6("train-progress").max = total || 1;
    $6("train-progress").value = last?.step ?? 0;
    Object.assign($6("train-progress").dataset, { shown: run.shown, received: run.snapshots.length, status: run.status, state: run.state });
    $6("train-counter").textContent = `${formatNumber(last?.step ?? 0, 6)} / ${formatNumber(total, 6)}`;
    label($6("train-play"), run.playing ? "pause" : run.state === "finished" || run.state === "failed" ? "again" : "play", t(PLAY_LABEL[run.state]));
    $6("train-play").setAttribute("aria-pressed", String(run.playing));
    $6("train-play").dataset.state = run.state;
    for (const id of ["dl-train-csv", "dl-train-json"]) $6(id).hidden = !(run.state === "finished" && run.status === "done");
    let status = "";
    if (run.state === "failed") {
      if (run.error instanceof ApiError) showError(run.error, errorContext("train"));
      status = t("train.failed", { message: run.error instanceof Error ? errorText(run.error, page.state.table) : run.error });
    } else if (run.state !== "idle") {
      const { key, values: values2 } = runStatus(run, total);
      status = t(key, { ...values2, step: formatNumber(values2.step, 6), total: formatNumber(values2.total, 6) });
    }
    $6("train-status").textContent = status;
    if (last && overflowText(last.cells)) showBanner(overflowText(last.cells));
    draw(RUN_VIEWS);
    announce("run");
  }
  function accept(values2) {
    const accepted = {};
    for (const [key, value] of Object.entries(values2)) {
      const row = page.state.table[key];
      if (!row.endpoints.length) continue;
      if (row.endpoints.includes("trace") || withinBounds(row, value)) accepted[key] = value;
    }
    page.accepted = accepted;
    writeURL();
  }
  function withinBounds(row, value) {
    if (value === null) return Boolean(row.nullable || row.default === null);
    if (row.enum) return row.enum.includes(value);
    if (row.type === "integer" && !Number.isInteger(value)) return false;
    if (row.type === "number" && !Number.isFinite(value)) return false;
    return !(value < row.minimum || value > row.maximum);
  }
  function presetValues(name) {
    const preset = page.meta.presets.find((p) => p.name === name);
    if (!preset) return {};
    const fresh = new State(page.state.table);
    fresh.apply("train", preset.train);
    fresh.apply("trace", preset.trace);
    return fresh.values;
  }
  function writeURL() {
    const values2 = {};
    const fromPreset = presetValues(page.state.get("preset"));
    for (const [key, value] of Object.entries(page.accepted)) {
      if (!(Object.hasOwn(fromPreset, key) && JSON.stringify(fromPreset[key]) === JSON.stringify(value))) values2[key] = value;
    }
    for (const [key, value] of Object.entries(page.state.values)) if (!page.state.table[key].endpoints.length) values2[key] = value;
    const query = page.state.toQuery(values2);
    history.replaceState(null, "", (query ? `?${query}` : location.pathname) + location.hash);
    announce("url");
  }
  function onChange(key, value) {
    page.state.set(key, value);
    page.state.set("preset", null);
    writeURL();
    if (key === "task" || key === "batch" || key === "T" || key === "sentence") page.controls.sync();
    else {
      page.controls.fields.get("preset")?.sync();
      page.controls.fields.get(key)?.sync();
    }
    if (run.started) run.reset();
    refreshTrace();
  }
  function applyPreset(name) {
    const preset = page.meta.presets.find((p) => p.name === name);
    page.state.resetModel();
    if (preset) {
      page.state.apply("train", preset.train);
      page.state.apply("trace", preset.trace);
    }
    page.state.set("preset", preset ? name : null);
  }
  function onPreset(name) {
    applyPreset(name);
    page.accepted = { ...page.state.values };
    writeURL();
    page.controls.sync();
    if (run.started) run.reset();
    refreshTrace();
  }
  function showQuery(search) {
    const own = Object.fromEntries(["lang", "projection", "class"].map((key) => [key, page.state.get(key)]));
    page.state.readURL(search);
    if (page.state.get("preset")) {
      applyPreset(page.state.get("preset"));
      page.state.readURL(search, true);
    }
    for (const [key, value] of Object.entries(own)) page.state.set(key, value);
    page.accepted = { ...page.state.values };
    writeURL();
    page.controls.sync();
    if (run.started) run.reset();
    refreshTrace();
  }
  async function setLanguage(lang) {
    page.state.set("lang", lang);
    writeURL();
    await loadLanguage(lang);
    translatePage();
    page.controls.build(lang);
    if (page.trace) showBanner(overflowText(page.trace.cells));
    onRunUpdate();
    draw(TRACE_VIEWS);
    page.badge.schedule();
    announce("language");
  }
  function setProjection(on) {
    page.state.set("projection", on);
    writeURL();
    document.documentElement.dataset.theme = on ? "projection" : "";
    $6("projection-btn").setAttribute("aria-pressed", String(on));
    draw(Object.keys(VIEWS));
    announce("projection");
  }
  async function share() {
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      $6("share-status").textContent = t("share.copied");
    } catch {
      $6("share-status").textContent = t("share.copy_this", { url });
    }
  }
  function pngSettings() {
    const query = new URLSearchParams(location.search);
    for (const key of ["lang", "projection", "lesson", "class"]) query.delete(key);
    const settings = [...query.keys()].filter((k, i, all) => all.indexOf(k) === i).map((k) => `${k}=${query.getAll(k).join(",")}`);
    return {
      caption: t("download.png_caption", { settings: settings.join(" · ") || t("download.png_defaults") }),
      link: location.href
    };
  }
  async function exportData(what, format) {
    try {
      const { blob, filename } = await getExport(what, format, page.state.request(what));
      const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: filename });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1e4);
    } catch (error) {
      showError(error, errorContext(what));
    }
  }
  function wire() {
    $6("run-btn").addEventListener("click", refreshTrace);
    $6("train-play").addEventListener("click", () => run.toggle(page.state.request("train")));
    $6("train-step").addEventListener("click", () => run.step(page.state.request("train")));
    $6("train-reset").addEventListener("click", () => {
      run.reset();
      draw(TRACE_VIEWS);
    });
    $6("share-btn").addEventListener("click", share);
    $6("lang-btn").addEventListener("click", () => setLanguage(language() === "ko" ? "en" : "ko"));
    $6("projection-btn").addEventListener("click", () => setProjection(!page.state.get("projection")));
    $6("banner-close").addEventListener("click", () => showBanner(""));
    $6("weights-file").addEventListener("change", (event) => useWeights(event.target.files[0]));
    $6("weights-drop").addEventListener("dragover", (event) => event.preventDefault());
    $6("weights-drop").addEventListener("drop", (event) => {
      event.preventDefault();
      useWeights(event.dataTransfer.files[0]);
    });
    $6("weights-clear").addEventListener("click", () => {
      page.state.set("input", null);
      onChange("weights", null);
    });
    wireOwnInput({ onChange, table: () => page.state.table });
    NARROW.addEventListener("change", () => draw(Object.keys(VIEWS)));
    for (const button2 of document.querySelectorAll("[data-download='png']")) {
      button2.addEventListener("click", () => downloadPng(button2.dataset.view, `gradflow-${button2.dataset.view}`, pngSettings()));
    }
    for (const button2 of document.querySelectorAll("[data-export]")) {
      button2.addEventListener("click", () => exportData(button2.dataset.export, button2.dataset.format));
    }
  }
  async function start() {
    const query = new URLSearchParams(location.search);
    const [meta] = await Promise.all([getMeta(), loadLanguage(pickLanguage(query.get("lang")))]);
    page.meta = meta;
    setScenes(meta.scenes);
    page.state = new State(buildTable(meta));
    page.state.readURL(location.search);
    if (page.state.get("preset")) {
      applyPreset(page.state.get("preset"));
      page.state.readURL(location.search, true);
    }
    translatePage();
    document.documentElement.dataset.theme = page.state.get("projection") ? "projection" : "";
    $6("projection-btn").setAttribute("aria-pressed", String(Boolean(page.state.get("projection"))));
    page.controls = new Controls($6("controls-body"), { meta, state: page.state, onChange, onPreset, payloads: currentPayloads });
    page.controls.build(language());
    page.badge = new VerifyBadge($6("verify-badge"), () => page.state.request("gradcheck"));
    if (NARROW.matches) $6("settings").open = false;
    const topbar = document.querySelector(".topbar");
    new ResizeObserver(() => document.documentElement.style.setProperty("--topbar-height", `${topbar.offsetHeight}px`)).observe(topbar);
    wire();
    page.accepted = { ...page.state.values };
    startClassroom({ page, run, applyPreset, onPreset, onChange, setProjection, writeURL, showQuery });
    onRunUpdate();
    await refreshTrace();
    document.body.dataset.status = "ready";
  }
  start().catch((error) => {
    document.body.dataset.status = "failed";
    showBanner(error instanceof ApiError ? error.message : String(error));
    throw error;
  });
})();
