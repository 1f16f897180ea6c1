// View 1, the headline: ‖dL/dh_t‖ against t on a log scale, one line per cell, the LSTM's ‖dL/dc_t‖ dotted,
// and the RNN's theoretical bound on ‖dL/dh_t‖ (the API's grad_hidden_bound, for any loss_on and truncation).
// Drawn from a trace, or from a training snapshot while training runs (then it animates as the cells learn,
// bound included). A preset that compares two settings (forget bias 0 against 1) adds the
// other setting's curves, long-dashed and named by the preset's label.

import { baseLayout, emptyFigure, kindName, logAxis, overflowAt, stepLine, stepMarker, values } from "./common.js";

/**
 * `source` is a trace (with config, cells) or a training snapshot (with step, cells), plus `compare`:
 * [{label, cells}] from the preset's other settings (empty while training).
 */
export function gradientFlow(source, ctx) {
  const title = source?.step !== undefined ? ctx.t("chart.flow.title_training", { step: source.step }) : ctx.t("chart.flow.title");
  if (!source?.cells) return emptyFigure(ctx, ctx.t("chart.flow.title"), ctx.t("chart.no_data"));
  const data = [];
  const markers = [];
  const notes = []; // cells with no finite gradient at all (the forward pass overflowed): said, not left blank
  for (const [kind, cell] of Object.entries(source.cells)) {
    const grad = values(cell.grad_hidden_norm);
    if (!grad) continue;
    const cellName = kindName(ctx, kind);
    const name = ctx.t("chart.flow.trace_h", { cell: cellName });
    data.push(stepLine(ctx, { kind, field: "grad_hidden_norm", name, y: grad, markers: true }));
    const gradCell = values(cell.grad_cell_norm);
    if (gradCell) {
      const cname = ctx.t("chart.flow.trace_c", { cell: cellName });
      data.push(stepLine(ctx, { kind, field: "grad_cell_norm", name: cname, y: gradCell, width: 2, dash: "dot" }));
    }
    const bound = values(cell.grad_hidden_bound);
    if (bound) {
      const bname = ctx.t("chart.flow.trace_bound", { cell: cellName });
      data.push(stepLine(ctx, { kind, field: "grad_hidden_bound", name: bname, y: bound, width: 1.5, dash: "dash", opacity: 0.7 }));
    }
    // marked where the numbers first left the floating-point range: the same step the banner names
    const broken = overflowAt(cell);
    if (broken) {
      markers.push(stepMarker(broken.step + 1, ctx.t("chart.overflow_marker", { cell: cellName })));
      const words = { cell: cellName, step: broken.step + 1 };
      const note = broken.side === "forward" ? ctx.t("chart.flow.no_finite_forward", words) : ctx.t("chart.flow.no_finite_backward", words);
      if (grad.every((v) => v === null)) notes.push(note);
    }
  }
  for (const { label, cells } of source.compare || []) {
    for (const [kind, cell] of Object.entries(cells)) {
      const grad = values(cell.grad_hidden_norm);
      if (!grad) continue;
      const name = ctx.t("chart.flow.trace_compare", { cell: kindName(ctx, kind), label });
      data.push(stepLine(ctx, { kind, field: "grad_hidden_norm", name, y: grad, dash: "longdash", meta: { compare: label } }));
    }
  }
  const layout = baseLayout(ctx, {
    title,
    x: ctx.t("axis.t"),
    y: ctx.t("chart.flow.y"),
    // fitted to the gradients, a decade to spare: a loose bound (σ_max well above the spectral radius)
    // runs out of the top instead of flattening every curve
    yaxis: logAxis(data.filter((d) => d.meta.field !== "grad_hidden_bound"), 1),
    hovermode: "closest",
  });
  layout.shapes = markers.map((m) => m.shape);
  layout.annotations = markers.map((m) => m.annotation);
  notes.forEach((text, i) =>
    layout.annotations.push({
      text,
      xref: "paper",
      yref: "paper",
      x: 0.5,
      y: 0.9 - 0.1 * i,
      showarrow: false,
      font: { color: "#1d2430", size: 13 },
      bgcolor: "rgba(255,255,255,0.85)",
    }),
  );
  return { data, layout };
}

/** The readout beside the chart: W_hh's spectral radius and largest singular value, for each RNN cell. */
export function flowReadout(trace, ctx) {
  if (!trace?.cells) return "";
  return Object.entries(trace.cells)
    .filter(([, cell]) => cell.spectral_radius !== null && cell.spectral_radius !== undefined)
    .map(([kind, cell]) =>
      ctx.t("chart.flow.readout", {
        cell: kindName(ctx, kind),
        rho: ctx.fmt(cell.spectral_radius),
        sigma: ctx.fmt(cell.sigma_max),
      }),
    )
    .join("  ·  ");
}

/**
 * The headline's caption, chosen by what it shows: which cells are drawn, and whether the RNN's gradient
 * vanishes or grows on its way back, with the factors read off the curves (first over last step).
 * Sentences about a cell that is not drawn, or a regime it is not in, are never shown.
 */
export function flowCaption(source, ctx) {
  const cells = source?.cells;
  if (!cells) return ctx.t("chart.flow.caption.intro");
  const parts = [ctx.t("chart.flow.caption.intro")];
  const reach = (curve) => {
    const y = values(curve);
    return y?.length && y[0] !== null && y[y.length - 1] ? y[0] / y[y.length - 1] : null;
  };
  for (const [kind, cell] of Object.entries(cells)) {
    const ratio = reach(cell.grad_hidden_norm);
    if (ratio === null) continue;
    const fmt = (x) => ctx.fmt(x, 2);
    if (kind === "rnn") {
      parts.push(ratio < 1 ? ctx.t("chart.flow.caption.rnn_vanishing", { left: fmt(ratio) }) : ctx.t("chart.flow.caption.rnn_growing", { growth: fmt(ratio) }));
    } else {
      const key = ratio < 1 ? "chart.flow.caption.gated_left" : "chart.flow.caption.gated_growing";
      parts.push(ctx.t(key, { cell: kindName(ctx, kind), left: fmt(ratio), growth: fmt(ratio) }));
    }
    if (kind === "lstm" && values(cell.grad_cell_norm)) parts.push(ctx.t("chart.flow.caption.cell_dotted"));
    if (kind === "rnn" && values(cell.grad_hidden_bound)) parts.push(ctx.t("chart.flow.caption.bound"));
  }
  return parts.join(" ");
}
