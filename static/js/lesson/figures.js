// The lesson's own figures, drawn in the lesson panel beside the page's charts: pure functions from the trace
// payload (and a scene's position) to Plotly {data, layout}, in the page's common style (charts/common.js).
// Every number drawn is the API's; nothing here computes model math.

import { COLORS, REFERENCE, baseLayout, emptyFigure, heatmap, kindName, lineWidth, scale, steps, subplots, values } from "../charts/common.js";

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

/** Scene "error": the error E_t of every step (bars) and their sum, the loss. */
export function stepLossFigure(trace, ctx) {
  const title = ctx.t("lesson.steploss.title");
  const cells = Object.entries(trace?.cells || {});
  if (!cells.length) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
  const data = cells.map(([kind, cell]) => {
    const name = ctx.t("lesson.steploss.trace", { cell: kindName(ctx, kind) });
    const y = values(cell.step_loss) || [];
    return {
      type: "bar",
      name,
      meta: { cell: kind, field: "step_loss" },
      x: steps(y.length),
      y,
      marker: { color: COLORS[kind] },
      hovertemplate: `${name}<br>t = %{x}: %{y:.4~g}<extra></extra>`,
    };
  });
  const layout = baseLayout(ctx, { title, x: ctx.t("axis.t"), y: ctx.t("lesson.steploss.y"), bargap: 0.2, showlegend: false });
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

/** Scenes "forget", "input", "output": one LSTM gate of the example (unit × step) and its mean per step. */
export function gateFigure(trace, gate, ctx) {
  const label = ctx.t(`gate.lstm.${gate}`);
  const title = ctx.t("lesson.gate.title", { gate: label });
  const cell = trace?.cells?.lstm;
  const grid = values(cell?.gates?.[gate]);
  if (!grid) return emptyFigure(ctx, title, ctx.t("chart.gates.none"));
  const mean = values(cell.gate_means?.[gate]) || [];
  const xLabel = ctx.t("axis.t");
  const { ids, layout: panels } = subplots(
    ctx,
    [{ title: ctx.t("lesson.gate.example"), color: COLORS.lstm }, { title: ctx.t("lesson.gate.mean"), yTitle: " " }],
    { cols: 1, gapY: 0.3, xTitle: xLabel, yTitle: ctx.t("axis.unit") },
  );
  const data = [
    heatmap(ctx, {
      id: ids[0],
      grid,
      transpose: true,
      x: steps(grid.length),
      y: cell.units,
      kind: "lstm",
      zmin: 0,
      zmax: 1,
      meta: { cell: "lstm", field: `gates.${gate}` },
      label,
      xLabel,
      yLabel: ctx.t("axis.unit"),
    }),
    {
      type: "scatter",
      mode: "lines",
      name: ctx.t("lesson.gate.mean"),
      meta: { cell: "lstm", field: `gate_means.${gate}` },
      x: steps(mean.length),
      y: mean,
      xaxis: ids[1].x,
      yaxis: ids[1].y,
      line: { color: COLORS.lstm, width: lineWidth(ctx, 2.5) },
      hovertemplate: `${label}<br>t = %{x}: %{y:.3f}<extra></extra>`,
    },
  ];
  const layout = { ...baseLayout(ctx, { title, x: xLabel, y: ctx.t("axis.unit") }), ...panels };
  layout.yaxis2 = { ...layout.yaxis2, range: [0, 1], dtick: 0.5 };
  layout.showlegend = false;
  layout.margin = { ...layout.margin, r: 48 };
  return { data, layout };
}
