// View 2: gradient over training. For each cell a heatmap of ‖dL/dh_t‖ (colour, log scale) per time step t
// (x) and training iteration (y): as the LSTM learns, colour reaches further back towards t = 1.

import { baseLayout, emptyFigure, extent, heatmap, kindName, log10Grid, steps, subplots, values, COLORS } from "./common.js";

/** `run` = {snapshots}: the snapshots received so far. */
export function gradientOverTraining(run, ctx) {
  const title = ctx.t("chart.training.title");
  const snapshots = run?.snapshots || [];
  if (!snapshots.length) return emptyFigure(ctx, title, ctx.t("chart.needs_training"));
  const kinds = Object.keys(snapshots[0].cells);
  const grids = kinds.map((kind) => snapshots.map((s) => values(s.cells[kind]?.grad_hidden_norm) || []));
  const [zmin, zmax] = extent(...grids.map(log10Grid));
  const xLabel = ctx.t("axis.t");
  const yLabel = ctx.t("axis.iteration");
  const { ids, layout: grid } = subplots(
    ctx,
    kinds.map((kind) => ({ title: kindName(ctx, kind), color: COLORS[kind] })),
    { cols: 1, gapY: 0.16, xTitle: xLabel, yTitle: yLabel },
  );
  const iterations = snapshots.map((s) => s.step);
  const data = kinds.map((kind, i) =>
    heatmap(ctx, {
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
      yLabel,
    }),
  );
  const layout = { ...baseLayout(ctx, { title, x: xLabel, y: yLabel }), ...grid };
  layout.margin = { ...layout.margin, r: 56 };
  return { data, layout };
}
