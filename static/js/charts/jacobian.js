// View 8: Jacobian norms ‖∂h_T/∂h_t‖₂ (the LSTM's of its full state (h, c)) against t, log scale, with the RNN's
// bound (γ·σ_max(W_hh))^(T−t) (Pascanu et al. 2013): how much of a change at step t still reaches the end.

import { COLORS, baseLayout, emptyFigure, kindName, lineWidth, logAxis, steps, values } from "./common.js";

export function jacobianNorms(trace, ctx) {
  const title = ctx.t("chart.jacobian.title");
  if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
  const data = [];
  const hover = (label) => `${label}<br>t = %{x}: %{y:.3~e}<extra></extra>`;
  for (const [kind, cell] of Object.entries(trace.cells)) {
    const norm = values(cell.jacobian_norm);
    if (norm) {
      const name = ctx.t("chart.jacobian.trace_norm", { cell: kindName(ctx, kind) });
      data.push({
        type: "scatter",
        mode: "lines",
        name,
        meta: { cell: kind, field: "jacobian_norm" },
        x: steps(norm.length),
        y: norm,
        line: { color: COLORS[kind], width: lineWidth(ctx, 2.5) },
        hovertemplate: hover(name),
      });
    }
    const bound = values(cell.jacobian_bound);
    if (bound) {
      const name = ctx.t("chart.jacobian.trace_bound", { cell: kindName(ctx, kind) });
      data.push({
        type: "scatter",
        mode: "lines",
        name,
        meta: { cell: kind, field: "jacobian_bound" },
        x: steps(bound.length),
        y: bound,
        line: { color: COLORS[kind], width: lineWidth(ctx, 1.5), dash: "dash" },
        hovertemplate: hover(name),
      });
    }
  }
  const layout = baseLayout(ctx, {
    title,
    x: ctx.t("axis.t"),
    y: ctx.t("chart.jacobian.y"),
    yaxis: logAxis(data),
    hovermode: "closest",
  });
  return { data, layout };
}
