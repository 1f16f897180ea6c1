// What every chart shares: one colour per cell kind (Okabe–Ito, colour-blind safe, the same as the CSS's
// --rnn/--lstm/--gru), the fonts (with a Hangul face so Korean labels render), the base layout, and readers
// for the API's array objects {shape, axes, meaning, data}.
//
// A chart module is a pure function (data, ctx) → {data, layout}; ctx = {t, fmt, projection, narrow}: the
// i18n lookup, the number formatter, whether the projection theme (large type, thick lines) is on, and
// whether the charts are phone-narrow (subplots then wrap onto more rows).

export const COLORS = { rnn: "#D55E00", lstm: "#0072B2", gru: "#009E73" };
export const REFERENCE = "#555555"; // baselines, thresholds, markers: grey, never a cell's colour

export const FONT_FAMILY =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK KR", "Noto Sans KR", ' +
  '"Apple SD Gothic Neo", "Malgun Gothic", sans-serif';

/** The values of an API array object (null when the array is absent). */
/**
 * Where a cell's numbers left the floating-point range, as one story for the banner, the chart's marker and
 * its note. The gradient exploding on its way back through finite states (its first non-finite step comes
 * before any the forward pass has) is the backward story; a forward pass that overflowed first, and the
 * gradients computed from it with it, is the forward story. 0-based; null when the cell did not overflow.
 */
export function overflowAt(cell) {
  if (!cell?.overflow) return null;
  const forward = cell.first_nonfinite_forward ?? null;
  const backward = cell.first_nonfinite_backward ?? null;
  if (backward !== null && (forward === null || backward < forward)) return { side: "backward", step: backward };
  if (forward !== null) return { side: "forward", step: forward };
  return { side: "backward", step: cell.first_nonfinite_step ?? 0 };
}

export function values(array) {
  return array?.data ?? null;
}

/** Time steps as the lecture counts them, 1…n (the API's arrays are 0-based). */
export function steps(n) {
  return Array.from({ length: n }, (_, i) => i + 1);
}

export function kindName(ctx, kind) {
  return ctx.t(`cell.${kind}`);
}

/** Size factor of the projection theme. */
export function scale(ctx) {
  return ctx.projection ? 1.6 : 1;
}

/** A line's width; on a projector never under 4 px, or thin lines vanish for the back rows. */
export function lineWidth(ctx, base = 2) {
  return ctx.projection ? Math.max(4, base * 2) : base;
}

/** One axis in the common style. */
export function axis(ctx, title, extra = {}) {
  const k = scale(ctx);
  return {
    title: { text: title, font: { size: 12 * k }, standoff: 6 },
    gridcolor: "#e6e8ec",
    linecolor: "#9aa1ab",
    zeroline: false,
    automargin: true,
    tickfont: { size: 11 * k },
    ...extra,
  };
}

/** Layout shared by every chart: title top left, legend above the plot on the right, calm grid. */
export function baseLayout(ctx, { title, x, y, xaxis = {}, yaxis = {}, ...rest }) {
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
      font: { size: 11 * k },
    },
    hoverlabel: { font: { family: FONT_FAMILY, size: 12 * k } },
    xaxis: axis(ctx, x, xaxis),
    yaxis: axis(ctx, y, yaxis),
    uirevision: "keep", // a redraw keeps the reader's zoom
    ...rest,
  };
}

/** A chart with nothing to plot yet: the title and one sentence saying why (never a blank box). */
export function emptyFigure(ctx, title, message) {
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
      font: { size: 14 * scale(ctx), color: "#5b6473" },
    },
  ];
  return { data: [], layout };
}

/**
 * A line over time steps 1…T in cell `kind`'s colour: `y` is a (T,) series, `field` the API array it draws
 * (kept as the trace's meta, with the cell, so tests and exports can find it), `width` before the projection
 * theme's doubling, `dash` Plotly's dash style; hover shows the name, the step and the value.
 */
export function stepLine(ctx, { kind, field, name, y, width = 2.5, dash = "solid", markers = false, ...rest }) {
  const trace = {
    type: "scatter",
    mode: markers ? "lines+markers" : "lines",
    name,
    meta: { cell: kind, field, ...rest.meta },
    x: steps(y.length),
    y,
    line: { color: COLORS[kind], width: lineWidth(ctx, width), dash },
    hovertemplate: `${name}<br>t = %{x}: %{y:${rest.format || ".3~e"}}<extra></extra>`,
  };
  // Plotly reads a key that is present as set, even when it is undefined: add these only when they are
  if (markers) trace.marker = { size: ctx.projection ? 6 : 4 };
  if (rest.opacity !== undefined) trace.opacity = rest.opacity;
  return trace;
}

/** A vertical dashed marker at step `t` (1-based) with a label, e.g. where numbers overflowed. */
export function stepMarker(t, label, { xref = "x", yref = "paper" } = {}) {
  return {
    shape: {
      type: "line",
      xref,
      yref: yref === "paper" ? "paper" : `${yref} domain`,
      x0: t,
      x1: t,
      y0: 0,
      y1: 1,
      line: { color: REFERENCE, width: 1.5, dash: "dash" },
    },
    annotation: {
      text: label,
      xref,
      yref: yref === "paper" ? "paper" : `${yref} domain`,
      x: t,
      y: 1,
      yanchor: "bottom",
      showarrow: false,
      font: { color: REFERENCE },
    },
  };
}

/**
 * A colour scale for a cell kind: white → its colour for sizes and gates (0…1); for signed values
 * (hidden states, −1…1) dark grey → white → its colour, so a heatmap is recognisably that cell's everywhere.
 */
export function kindScale(kind, signed = false) {
  const c = COLORS[kind];
  return signed
    ? [
        [0, "#3b3b3b"],
        [0.5, "#ffffff"],
        [1, c],
      ]
    : [
        [0, "#ffffff"],
        [1, c],
      ];
}

/** log10 of each entry for a colour scale (heatmaps have no log colour axis); ≤ 0 and null become null. */
export function log10Grid(grid) {
  return grid.map((row) => row.map((v) => (v > 0 ? Math.log10(v) : null)));
}

/** `n` intervals of [0, 1] separated by `gap`, in order. */
function domains(n, gap) {
  const width = (1 - gap * (n - 1)) / n;
  return Array.from({ length: n }, (_, i) => [i * (width + gap), i * (width + gap) + width]);
}

/**
 * A grid of subplots, filled row by row: panels = [{title, color?, span?}] (span: columns taken). Returns the
 * axis ids and domains of each panel and the layout entries (axes, panel titles) to merge into a base layout.
 * Only the bottom row names its x axis and the first column its y axis.
 */
export function subplots(ctx, panels, { cols = panels.length, gapX = 0.1, gapY = 0.2, xTitle = "", yTitle = "" } = {}) {
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
  // The gap holds each panel's colour bar and its tick labels, which grow with the projection theme.
  const xd = domains(cols, gapX * k);
  // the gap holds the tick labels of the row above and the panel titles of the row below
  const yd = domains(rows, rows > 1 && ctx.projection ? gapY * 1.6 : gapY).reverse(); // row 0 at the top
  const layout = { annotations: [] };
  const ids = panels.map((panel, i) => {
    const { row: r, col: c, span } = slots[i];
    const n = i === 0 ? "" : String(i + 1);
    const id = { x: `x${n}`, y: `y${n}`, xDomain: [xd[c][0], xd[c + span - 1][1]], yDomain: yd[r] };
    const bottom = !slots.some((s) => s.row > r && s.col <= c + span - 1 && s.col + s.span - 1 >= c);
    layout[`xaxis${n}`] = axis(ctx, bottom ? (panel.xTitle ?? xTitle) : "", { domain: id.xDomain, anchor: id.y });
    // Panels side by side share their y axis (units, steps): only the first column labels it.
    const labelled = c === 0 || Boolean(panel.yTitle);
    layout[`yaxis${n}`] = axis(ctx, labelled ? (panel.yTitle ?? yTitle) : "", {
      domain: id.yDomain,
      anchor: id.x,
      showticklabels: labelled,
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
      font: { size: 12.5 * k, color: panel.color || "#1d2430" },
    });
    return id;
  });
  return { ids, layout };
}

/** A slim colour bar beside a subplot (paper coordinates), ticks as powers of ten when `log`. */
export function colorbar(ctx, id, { log = false, zmin, zmax, title = "" } = {}) {
  const bar = {
    x: id.xDomain[1] + 0.008,
    xanchor: "left",
    y: (id.yDomain[0] + id.yDomain[1]) / 2,
    len: id.yDomain[1] - id.yDomain[0],
    thickness: 9 * scale(ctx),
    outlinewidth: 0,
    nticks: 5,
    tickfont: { size: 10 * scale(ctx) },
    title: { text: title, side: "right", font: { size: 10 * scale(ctx) } },
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

/** Smallest and largest finite entry of a grid (or of several), ignoring nulls. */
export function extent(...grids) {
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

/**
 * A logarithmic y axis fitted to `traces` (their positive values), with `headroom` decades to spare above,
 * labelled at whole decades only (10⁻³, 10⁻², …; at most about eight labels however tall the chart).
 */
export function logAxis(traces, headroom = 0.3) {
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

/** Plotly's config for every chart: responsive, no mode bar (the page has its own PNG button), no logo. */
export const PLOTLY_CONFIG = {
  responsive: true,
  displayModeBar: false,
  displaylogo: false,
  scrollZoom: false,
};

/**
 * A heatmap trace on subplot `id` in cell `kind`'s colours. `grid` is rows × columns as the API sends it;
 * `transpose` draws it columns × rows (a (T, units) array with t along x); `log` colours by log10 while the
 * hover shows the value itself; `signed` centres the scale on 0.
 */
export function heatmap(ctx, opts) {
  const { id, grid, x, y, kind, log = false, signed = false, transpose = false, zmin, zmax } = opts;
  const { label, xLabel, yLabel, barTitle = "", showscale = true, meta } = opts;
  const shown = log ? "%{customdata:.3~e}" : "%{z:.3~g}";
  return {
    type: "heatmap",
    x,
    y,
    z: log ? log10Grid(grid) : grid,
    customdata: log ? grid : undefined,
    transpose,
    zmin,
    zmax,
    zmid: signed ? 0 : undefined,
    colorscale: kindScale(kind, signed),
    showscale,
    colorbar: colorbar(ctx, id, { log, zmin, zmax, title: barTitle }),
    xaxis: id.x,
    yaxis: id.y,
    hoverongaps: false,
    name: label,
    meta,
    hovertemplate: `${label}<br>${xLabel} %{x}, ${yLabel} %{y}: ${shown}<extra></extra>`,
  };
}

// ---- the last step before drawing: what every figure needs, whichever module built it ------------------

/** Smallest text on a projector, in px: what the README's "Projection" section promises (tests/browser/). */
export const PROJECTION_TEXT = 24;
/** Thinnest line on a projector, in px (curves, reference lines, markers' outlines). */
export const PROJECTION_LINE = 4;

const AXIS_KEY = /^([xy])axis(\d*)$/;

/** At most about six whole-number ticks over [lo, hi]: a step of 1, 2 or 5 times a power of ten, never under 1. */
function integerStep(lo, hi, most = 6) {
  const raw = Math.max(1, (hi - lo) / most);
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
}

/** A font object with its size raised to at least `px`. */
function atLeast(font, px) {
  return { ...(font || {}), size: Math.max(font?.size ?? 0, px) };
}

/** A long legend name broken at the space nearest its middle (a projector's legend is half a screen wide). */
function wrapLong(name, most = 28) {
  if (typeof name !== "string" || name.length <= most || name.includes("<br>")) return name;
  const spaces = [...name.matchAll(/ /g)].map((m) => m.index);
  if (!spaces.length) return name;
  const cut = spaces.reduce((a, b) => (Math.abs(b - name.length / 2) < Math.abs(a - name.length / 2) ? b : a));
  return `${name.slice(0, cut)}<br>${name.slice(cut + 1)}`;
}

/** Text with its <sub>/<sup> scripts at `px` (Plotly sets them at 70 % of the text around them). */
function fullScripts(text, px) {
  return typeof text === "string" ? text.replace(/<(sub|sup)>(?!<span)(.*?)<\/\1>/g, `<$1><span style="font-size:${px}px">$2</span></$1>`) : text;
}

/** Decade tick labels whose exponent is as large as the label (Plotly sets <sup> at 70 %, under the floor). */
function decadeLabels(axis, px) {
  const [lo, hi] = axis.range;
  const every = Math.max(axis.dtick || 1, Math.ceil((hi - lo) / 5)); // at most about six labels at this size
  const tickvals = [];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e += every) tickvals.push(e);
  return {
    tickmode: "array",
    tickvals: tickvals.map((e) => 10 ** e),
    ticktext: tickvals.map((e) => (e === 0 ? "1" : `10<sup><span style="font-size:${px}px">${e < 0 ? "−" : ""}${Math.abs(e)}</span></sup>`)),
  };
}

/**
 * The figure as drawn: heatmap axes that count units or steps get whole-number ticks (a unit is never 0.5);
 * on a projector every piece of text is at least PROJECTION_TEXT px (ticks, titles, legends, annotations,
 * colour bars, decade exponents) and every line and shape at least PROJECTION_LINE px wide.
 * Chart modules call nothing of this: main.js and the lesson pass every figure through it.
 */
export function finish(figure, ctx) {
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
      // as many labels as the panel's width holds at the projector's size (about one per 0.15 of the figure)
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
    // a long title takes two lines; Plotly anchors a title by its first line, so the second needs room below
    const text = wrapLong(layout.title.text, 32);
    const lines = typeof text === "string" ? text.split("<br>").length : 1;
    layout.title = { ...layout.title, text: fullScripts(text, px), font: atLeast(layout.title.font, px), pad: { t: 8 + 10 * (lines - 1) } };
    if (lines > 1) layout.margin = { ...layout.margin, t: Math.max(layout.margin?.t ?? 0, 44 * lines + 8) };
  }
  for (const key of Object.keys(layout)) {
    if (!AXIS_KEY.test(key)) continue;
    const axis = { ...layout[key] };
    axis.tickfont = atLeast(axis.tickfont, px);
    if (axis.title) axis.title = { ...axis.title, text: fullScripts(axis.title.text, px), font: atLeast(axis.title.font, px) };
    if (axis.type === "log" && Array.isArray(axis.range)) Object.assign(axis, decadeLabels(axis, px));
    layout[key] = axis;
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
      bar.len = (bar.len ?? 1) * 0.8; // its end labels stay clear of the panel titles above and below
      trace.colorbar = bar;
    }
  }
  return { data, layout };
}
