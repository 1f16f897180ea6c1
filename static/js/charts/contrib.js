// View 5: where learning comes from. Bars of ‖step t's term of dL/dW‖_F for each cell's recurrent weights
// (the per-step terms sum to the weight's gradient): for the RNN the early steps add almost nothing.
// The RNN has one recurrent matrix, W_hh; the LSTM's gate blocks (W_f, W_i, W_g, W_o) and the GRU's
// (W_z, W_r, W_n) are one bar series each, told apart by hatching; the first of each cell is shown, the others
// are a click on the legend away.

import { COLORS, baseLayout, emptyFigure, kindName, logAxis, steps, values } from "./common.js";

const PATTERNS = ["", "/", "x", ".", "\\"];

export function weightGradContributions(trace, ctx) {
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
        hovertemplate: `${name}<br>t = %{x}: %{y:.3~e}<extra></extra>`,
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
    hovermode: "closest",
  });
  return { data, layout };
}
