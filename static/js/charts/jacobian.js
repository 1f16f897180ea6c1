// View 8: Jacobian norms ‖∂h_T/∂h_t‖₂ (the LSTM's of its full state (h, c)) against t, log scale, with the RNN's
// bound (γ·σ_max(W_hh))^(T−t) (Pascanu et al. 2013): how much of a change at step t still reaches the end.

import { baseLayout, emptyFigure, kindName, logAxis, stepLine, values } from "./common.js";

export function jacobianNorms(trace, ctx) {
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
    hovermode: "closest",
  });
  return { data, layout };
}
