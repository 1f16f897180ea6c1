// View 3: hidden states. For each cell a heatmap of h_t, unit (y) × time step (x), and for the LSTM its cell
// state c_t too: a saturated tanh RNN shows up as solid colour, a cell state as slow, long stripes.

import { COLORS, baseLayout, emptyFigure, extent, heatmap, kindName, steps, subplots, values } from "./common.js";

/** The example's hidden (and cell) states of each cell of a trace. */
export function hiddenStates(trace, ctx) {
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
    { cols: ctx.narrow ? Math.min(2, panels.length) : panels.length, gapX: ctx.narrow ? 0.16 : 0.08, gapY: 0.14, xTitle: xLabel, yTitle: yLabel },
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
      yLabel,
    });
  });
  const layout = { ...baseLayout(ctx, { title, x: xLabel, y: yLabel }), ...grid };
  layout.margin = { ...layout.margin, r: 40 };
  return { data, layout };
}

/** The caption, with a sentence for each kind of cell drawn and none for a cell that is not. */
export function hiddenCaption(trace, ctx) {
  const kinds = Object.keys(trace?.cells || {});
  return [
    ctx.t("chart.hidden.caption"),
    ...["rnn", "lstm", "gru"].filter((kind) => kinds.includes(kind)).map((kind) => ctx.t(`chart.hidden.caption_${kind}`)),
  ].join(" ");
}
