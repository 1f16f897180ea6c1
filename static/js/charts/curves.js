// View 7: training curves. Train and test loss per cell (log scale) with the task's baseline (the loss of a
// network that learned nothing of the dependency) and its "solved" threshold; test accuracy beside it with
// the chance level, for tasks that have an accuracy.

import { COLORS, REFERENCE, axis, baseLayout, emptyFigure, kindName, lineWidth, logAxis } from "./common.js";

/** A horizontal reference line across one subplot, labelled at its left end (`log`: the axis is logarithmic). */
function reference(y, label, { xaxis = "x", yaxis = "y", dash = "dash", log = false } = {}) {
  return {
    shape: {
      type: "line",
      xref: `${xaxis} domain`,
      yref: yaxis,
      x0: 0,
      x1: 1,
      y0: y,
      y1: y,
      line: { color: REFERENCE, width: 1.5, dash },
    },
    annotation: {
      text: label,
      xref: `${xaxis} domain`,
      yref: yaxis,
      x: 0,
      xanchor: "left",
      y: log ? Math.log10(y) : y, // Plotly places annotations on a log axis by their exponent (shapes by value)
      yanchor: "bottom",
      showarrow: false,
      font: { color: REFERENCE, size: 11 },
    },
  };
}

/** `run` = {snapshots: [...], task}: the snapshots received so far and the task's reference values. */
export function trainingCurves(run, ctx) {
  const title = ctx.t("chart.curves.title");
  const snapshots = run?.snapshots || [];
  if (!snapshots.length) return emptyFigure(ctx, title, ctx.t("chart.needs_training"));
  const task = run.task || {};
  const kinds = Object.keys(snapshots[0].cells);
  const withAccuracy = kinds.some((k) => snapshots.some((s) => s.cells[k]?.test_accuracy != null));
  const x = snapshots.map((s) => s.step);
  const data = [];
  for (const kind of kinds) {
    const cellOf = (s) => s.cells[kind] || {};
    const series = [
      ["train_loss", "chart.curves.train_loss", "solid", "y"],
      ["test_loss", "chart.curves.test_loss", "dash", "y"],
    ];
    if (withAccuracy) series.push(["test_accuracy", "chart.curves.test_accuracy", "solid", "y2"]);
    for (const [field, key, dash, yaxis] of series) {
      const name = ctx.t(key, { cell: kindName(ctx, kind) });
      data.push({
        type: "scatter",
        mode: "lines",
        name,
        meta: { cell: kind, field },
        x,
        y: snapshots.map((s) => cellOf(s)[field] ?? null),
        xaxis: yaxis === "y" ? "x" : "x2",
        yaxis,
        line: { color: COLORS[kind], width: lineWidth(ctx, dash === "solid" ? 2.2 : 1.6), dash },
        legendgroup: kind,
        showlegend: yaxis === "y",
        hovertemplate: `${name}<br>${ctx.t("axis.iteration")} %{x}: %{y:.4~g}<extra></extra>`,
      });
    }
  }
  const layout = baseLayout(ctx, {
    title,
    x: ctx.t("axis.iteration"),
    y: ctx.t("chart.curves.y_loss"),
    yaxis: logAxis(data.filter((d) => d.yaxis === "y").concat({ y: [task.baseline, task.threshold] })),
    hovermode: "closest",
  });
  const refs = [];
  if (task.baseline != null) {
    refs.push(reference(task.baseline, ctx.t("chart.curves.baseline", { value: ctx.fmt(task.baseline) }), { log: true }));
  }
  if (task.threshold != null) {
    const label = ctx.t("chart.curves.threshold", { value: ctx.fmt(task.threshold) });
    refs.push(reference(task.threshold, label, { dash: "dot", log: true }));
  }
  if (withAccuracy) {
    layout.xaxis.domain = [0, 0.55];
    layout.xaxis2 = { ...layout.xaxis, domain: [0.7, 1], anchor: "y2" };
    layout.yaxis2 = axis(ctx, ctx.t("chart.curves.y_accuracy"), { anchor: "x2", range: [0, 1.05], tickformat: ".0%" });
    if (task.chance_accuracy != null) {
      refs.push(
        reference(task.chance_accuracy, ctx.t("chart.curves.chance", { value: ctx.fmt(task.chance_accuracy) }), {
          xaxis: "x2",
          yaxis: "y2",
        }),
      );
    }
  }
  layout.shapes = refs.map((r) => r.shape);
  layout.annotations = refs.map((r) => r.annotation);
  return { data, layout };
}
