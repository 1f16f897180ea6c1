// View 6: connectivity ‖∂ŷ_t/∂x_s‖_F for s ≤ t over all outputs ŷ_t (app/core/connectivity.py says how it
// differs from Madsen's map in Distill, 2019), a triangle heatmap per cell with a shared log colour scale: how strongly the output at step t (y) still depends on
// the input at step s (x). The RNN's triangle fades a few steps from the diagonal; the LSTM's reaches back.

import { COLORS, baseLayout, emptyFigure, extent, heatmap, kindName, log10Grid, subplots, values } from "./common.js";

export function connectivity(trace, ctx) {
  const title = ctx.t("chart.connectivity.title");
  if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
  const cells = Object.entries(trace.cells).filter(([, cell]) => values(cell.connectivity));
  if (!cells.length) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
  const xLabel = ctx.t("axis.s");
  const yLabel = ctx.t("axis.t");
  const { ids, layout: grid } = subplots(
    ctx,
    cells.map(([kind]) => ({ title: kindName(ctx, kind), color: COLORS[kind] })),
    { cols: ctx.narrow ? 1 : cells.length, gapX: 0.09, gapY: 0.1, xTitle: xLabel, yTitle: yLabel },
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
      yLabel,
    });
  });
  const layout = { ...baseLayout(ctx, { title, x: xLabel, y: yLabel }), ...grid };
  layout.margin = { ...layout.margin, r: 48 };
  return { data, layout };
}
