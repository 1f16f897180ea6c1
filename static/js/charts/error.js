// The error E_t of every step, one bar per cell and step: where the loss comes from. With your own sentence
// (the text task) it says which characters the network finds hard to predict; ‖dL/dh_t‖ beside it says how
// much of each step's error still reaches the earlier states.

import { COLORS, baseLayout, emptyFigure, kindName, steps, values } from "./common.js";

/** One bar trace per cell that has E_t: its error at every step, named by the words `nameKey` (with {cell}). */
export function stepLossBars(trace, ctx, nameKey) {
  return Object.entries(trace.cells)
    .map(([kind, cell]) => {
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
        hovertemplate: `${name}<br>t = %{x}: %{y:.4~g}<extra></extra>`,
      };
    })
    .filter(Boolean);
}

export function stepError(trace, ctx) {
  const title = ctx.t("chart.error.title");
  if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
  const data = stepLossBars(trace, ctx, "chart.error.trace");
  const loss = trace.config?.loss === "ce" ? "chart.error.y_ce" : "chart.error.y_mse";
  return { data, layout: baseLayout(ctx, { title, x: ctx.t("axis.t"), y: ctx.t(loss), barmode: "group", bargap: 0.15, hovermode: "closest" }) };
}
