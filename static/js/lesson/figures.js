// The lesson's own figures, drawn in the lesson panel beside the page's charts: pure functions from the trace
// payload (and a scene's position) to Plotly {data, layout}, in the page's common style (charts/common.js).
// Every number drawn is the API's; nothing here computes model math.

import { COLORS, REFERENCE, baseLayout, emptyFigure, heatmap, kindName, lineWidth, scale, steps, subplots, values } from "../charts/common.js";
import { stepLossBars } from "../charts/error.js";
import { followedUnit } from "../claims.js";

/** [lo, hi] in decades for a log axis that fits the positive values, with `headroom` decades above. */
function decades(values_, headroom = 0.3) {
  const logs = values_.filter((v) => v > 0).map(Math.log10);
  if (!logs.length) return undefined;
  return [Math.floor(Math.min(...logs) - 0.3), Math.ceil(Math.max(...logs) + headroom)];
}

function logAxisOf(values_, headroom) {
  const range = decades(values_, headroom);
  return { type: "log", exponentformat: "power", range, dtick: range ? Math.max(1, Math.ceil((range[1] - range[0]) / 6)) : 1 };
}

/** A dashed vertical line across the plot at x (steps are drawn at 1…T, so a cut sits between two). */
function verticalLine(x, { color = REFERENCE, width = 2, dash = "dash" } = {}) {
  return { type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color, width, dash } };
}

/** Shown for a character: blanks and line breaks as visible signs. */
const VISIBLE = { " ": "␣", "\n": "↵", "\t": "⇥" };

/**
 * The character the example's step t predicts (its target y_t), for a task with a vocabulary (text); null
 * otherwise. Targets are class labels, or their one-hot rows when the softmax is scored by MSE.
 */
function targetCharacters(trace) {
  const vocabulary = trace?.task?.vocabulary;
  const targets = values(trace?.example?.targets);
  if (!vocabulary || !targets) return null;
  const index = (row) => (Array.isArray(row) ? row.indexOf(Math.max(...row)) : row);
  return targets.map((row) => {
    const ch = vocabulary[index(row)] ?? "?";
    return VISIBLE[ch] ?? ch;
  });
}

/** Scene "error": the error E_t of every step (bars) and their sum, the loss. */
export function stepLossFigure(trace, ctx) {
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
    xaxis: chars ? { tickmode: "array", tickvals: steps(chars.length), ticktext: chars, tickangle: 0 } : {},
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
      font: { size: 13 * scale(ctx), color: "#1d2430" },
    },
  ];
  return { data, layout };
}

/**
 * Scene "bptt": ‖dL/dh_t‖ of `kind` as bars, revealed from t = T down to `position` (1-based) as the backward
 * pass reaches them; the bar at `position` is the one being computed now. The axes stay fixed over the whole
 * animation, so the shrinking is seen as it happens.
 */
export function bpttFigure(trace, position, ctx, kind = "rnn") {
  const title = ctx.t("lesson.bptt.title", { t: position });
  const grad = values(trace?.cells?.[kind]?.grad_hidden_norm);
  if (!grad) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
  const T = grad.length;
  const reached = grad.map((v, i) => (i + 1 >= position ? v : null));
  const name = ctx.t("lesson.bptt.trace", { cell: kindName(ctx, kind) });
  const data = [
    {
      type: "bar",
      name,
      meta: { cell: kind, field: "grad_hidden_norm", position },
      x: steps(T),
      y: reached,
      marker: {
        color: grad.map((_, i) => (i + 1 === position ? "#1d2430" : COLORS[kind])),
        line: { color: "#1d2430", width: grad.map((_, i) => (i + 1 === position ? 2 : 0)) },
      },
      hovertemplate: `${name}<br>t = %{x}: %{y:.3~e}<extra></extra>`,
    },
  ];
  const layout = baseLayout(ctx, {
    title,
    x: ctx.t("axis.t"),
    y: ctx.t("lesson.bptt.y"),
    xaxis: { range: [0.4, T + 0.6] },
    yaxis: logAxisOf(grad, 0.6),
    bargap: 0.15,
    showlegend: false,
  });
  const value = grad[position - 1];
  layout.annotations = [
    {
      text: ctx.t("lesson.bptt.marker", { t: position, value: ctx.fmt(value, 3) }),
      x: position,
      y: value > 0 ? Math.log10(value) : undefined, // annotations on a log axis are placed by exponent
      yref: "y",
      xref: "x",
      ax: position > T / 2 ? -60 : 60,
      ay: -36,
      showarrow: value > 0,
      arrowwidth: 2,
      font: { size: 13 * scale(ctx), color: "#1d2430" },
      bgcolor: "rgba(255,255,255,0.9)",
    },
  ];
  return { data, layout };
}

/**
 * Scene "truncated": ‖dL/dh_t‖ with the backward pass cut every k steps (solid) against full BPTT (`full`, the
 * same configuration without truncation, dotted), with the cuts marked.
 */
export function truncationFigure(trace, full, ctx) {
  const k = trace?.config?.truncate;
  const title = k ? ctx.t("lesson.truncate.title", { k }) : ctx.t("lesson.truncate.title_full");
  if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
  const data = [];
  const all = [];
  for (const [kind, cell] of Object.entries(trace.cells)) {
    const cut = values(cell.grad_hidden_norm) || [];
    const whole = values(full?.cells?.[kind]?.grad_hidden_norm);
    if (whole) {
      const name = ctx.t("lesson.truncate.full", { cell: kindName(ctx, kind) });
      data.push({
        type: "scatter",
        mode: "lines",
        name,
        meta: { cell: kind, field: "grad_hidden_norm", truncate: null },
        x: steps(whole.length),
        y: whole,
        line: { color: COLORS[kind], width: lineWidth(ctx, 1.5), dash: "dot" },
        opacity: 0.75,
        hovertemplate: `${name}<br>t = %{x}: %{y:.3~e}<extra></extra>`,
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
      y: cut.map((v) => (v > 0 ? v : null)),
      line: { color: COLORS[kind], width: lineWidth(ctx, 2.5) },
      marker: { size: ctx.projection ? 7 : 5 },
      hovertemplate: `${name}<br>t = %{x}: %{y:.3~e}<extra></extra>`,
    });
    all.push(...cut);
  }
  const T = trace.sizes?.T ?? 0;
  const layout = baseLayout(ctx, { title, x: ctx.t("axis.t"), y: ctx.t("lesson.bptt.y"), yaxis: logAxisOf(all, 0.5), hovermode: "closest" });
  layout.shapes = [];
  if (k) for (let c = k; c < T; c += k) layout.shapes.push(verticalLine(c + 0.5, { color: "#b3261e", width: ctx.projection ? 4 : 2 }));
  return { data, layout };
}

/**
 * The gate scenes: one gate of a trained cell on the traced example. Three panels share the time axis:
 * the example's input (the number, and the steps the task marks), the gate of every unit (unit × step),
 * and the gate of the unit the scene follows (followedUnit in claims.js: the unit that keeps a value, or the
 * one whose gate opens most at the marked steps), so what the gate does is seen against what came in.
 */
export function gateFigure(trace, scene, ctx) {
  const kind = scene.cell || "lstm";
  const gate = scene.gate;
  const label = ctx.t(`gate.${kind}.${gate}`);
  const title = ctx.t("lesson.gate.title", { gate: label });
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
      { title: unit === null ? " " : ctx.t(`lesson.gate.unit.${scene.unit || "kept"}`, { unit, gate: label }), yTitle: " " },
    ],
    { cols: 1, gapY: 0.16, xTitle: xLabel, yTitle: ctx.t("axis.unit") },
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
      hovertemplate: `${ctx.t("lesson.gate.marked")}<br>t = %{x}: %{y}<extra></extra>`,
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
      hovertemplate: `x_t<br>t = %{x}: %{y:.3f}<extra></extra>`,
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
      label,
      xLabel,
      yLabel: ctx.t("axis.unit"),
      // no colour bar: the followed unit's line below reads the same 0…1 off an axis
      showscale: false,
    }),
  ];
  if (u !== null) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: label,
      meta: { cell: kind, field: `gates.${gate}`, unit },
      x,
      y: grid.map((row) => row[u]),
      xaxis: ids[2].x,
      yaxis: ids[2].y,
      line: { color: COLORS[kind], width: lineWidth(ctx, 2.5) },
      hovertemplate: `${label}<br>t = %{x}: %{y:.3f}<extra></extra>`,
    });
  }
  const layout = { ...baseLayout(ctx, { title, x: xLabel, y: ctx.t("axis.unit") }), ...panels };
  // the heatmap of every unit gets the most room; the input and the followed unit are single lines
  const domains = [[0.8, 0.94], [0.34, 0.66], [0, 0.2]];
  domains.forEach((domain, i) => {
    const n = i === 0 ? "" : String(i + 1);
    layout[`yaxis${n}`] = { ...layout[`yaxis${n}`], domain };
    layout.annotations[i] = { ...layout.annotations[i], y: domain[1] };
  });
  // one time axis for the three: numbered once, under the last
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
