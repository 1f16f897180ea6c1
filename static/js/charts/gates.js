// View 4: gates. The LSTM's forget, input, candidate and output gates and the GRU's update and reset gates,
// unit (y) × time step (x) for the traced example, and beside them the mean gate per step over the batch and
// all units: a forget gate near 1 is what lets the LSTM's cell state, and its gradient, last.

import { COLORS, baseLayout, emptyFigure, heatmap, kindName, stepLine, steps, subplots, values } from "./common.js";

// Which gates each kind shows, in the lecture's order; signed ones (the candidates) are centred on 0.
const SHOWN = { lstm: ["f", "i", "g", "o"], gru: ["z", "r"] };
const SIGNED = new Set(["g", "n"]);
// The mean gate drawn as a line: the one that decides what the state keeps.
const KEEPS = { lstm: "f", gru: "z" };

export function gates(trace, ctx) {
  const title = ctx.t("chart.gates.title");
  if (!trace?.cells) return emptyFigure(ctx, title, ctx.t("chart.no_data"));
  const panels = [];
  const lines = [];
  for (const [kind, cell] of Object.entries(trace.cells)) {
    for (const gate of SHOWN[kind] || []) {
      const grid = values(cell.gates?.[gate]);
      if (grid) {
        const label = ctx.t(`gate.${kind}.${gate}`);
        // the panel title names the gate (its colour says the cell); the hover names both
        panels.push({ kind, cell, gate, grid, title: label, hover: `${kindName(ctx, kind)} · ${label}`, color: COLORS[kind] });
      }
    }
    const mean = values(cell.gate_means?.[KEEPS[kind]]);
    if (mean) lines.push({ kind, gate: KEEPS[kind], mean });
  }
  if (!panels.length) return emptyFigure(ctx, title, ctx.t("chart.gates.none"));
  const xLabel = ctx.t("axis.t");
  const yLabel = ctx.t("axis.unit");
  // The mean-gate line has its own y axis (0…1); its panel title says what it is.
  const all = [...panels, { title: ctx.t("chart.gates.mean_panel"), span: 2, yTitle: " " }];
  const wrap = ctx.narrow || ctx.projection; // two gates a row where four would not fit their titles
  const { ids, layout: grid } = subplots(ctx, all, { cols: wrap ? 2 : 4, gapX: wrap ? 0.16 : 0.09, gapY: wrap ? 0.12 : 0.22, xTitle: xLabel, yTitle: yLabel });
  const data = panels.map((p, i) =>
    heatmap(ctx, {
      id: ids[i],
      grid: p.grid,
      transpose: true,
      x: steps(p.grid.length),
      y: p.cell.units,
      kind: p.kind,
      signed: SIGNED.has(p.gate),
      zmin: SIGNED.has(p.gate) ? -1 : 0,
      zmax: 1,
      meta: { cell: p.kind, field: `gates.${p.gate}` },
      label: p.hover,
      xLabel,
      yLabel,
      // one colour bar per kind (all its gates share 0…1), beside its last panel
      showscale: panels[i + 1]?.kind !== p.kind,
    }),
  );
  const lineId = ids[ids.length - 1];
  for (const { kind, gate, mean } of lines) {
    const name = ctx.t("chart.gates.mean_trace", { cell: kindName(ctx, kind), gate: ctx.t(`gate.${kind}.${gate}`) });
    const line = stepLine(ctx, { kind, field: `gate_means.${gate}`, name, y: mean, width: 2.2, format: ".3f" });
    data.push({ ...line, xaxis: lineId.x, yaxis: lineId.y });
  }
  const layout = { ...baseLayout(ctx, { title, x: xLabel, y: yLabel }), ...grid };
  const n = ids.length === 1 ? "" : String(ids.length);
  layout[`yaxis${n}`] = { ...layout[`yaxis${n}`], range: [0, 1] };
  layout.showlegend = false;
  layout.margin = { ...layout.margin, r: 40 };
  return { data, layout };
}

/** The caption, with a sentence for each gated cell drawn (the plain RNN has no gates). */
export function gatesCaption(trace, ctx) {
  const kinds = Object.keys(trace?.cells || {}).filter((kind) => SHOWN[kind]);
  if (!kinds.length) return ctx.t("chart.gates.none");
  return [...kinds.map((kind) => ctx.t(`chart.gates.caption_${kind}`)), ctx.t("chart.gates.caption")].join(" ");
}
