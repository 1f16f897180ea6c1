// View 7: training curves. Train and test loss per cell (log scale) with the task's baseline (the loss of a
// network that learned nothing of the dependency) and its "solved" threshold; test accuracy beside it with
// the chance level, for tasks that have an accuracy.

import { COLORS, REFERENCE, axis, baseLayout, emptyFigure, kindName, lineWidth, logAxis } from "./common.js";

/**
 * A horizontal reference line across the iterations `x` of one subplot, named in the legend (a label on the
 * line itself would sit under the curves that cross it, and on a projector it would hide them).
 */
function reference(ctx, y, name, x, { xaxis = "x", yaxis = "y", dash = "dash" } = {}) {
  return {
    type: "scatter",
    mode: "lines",
    name,
    meta: { reference: name },
    x: [x[0], x[x.length - 1]],
    y: [y, y],
    xaxis,
    yaxis,
    line: { color: REFERENCE, width: lineWidth(ctx, 1.5), dash },
    hoverinfo: "skip",
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
  if (task.baseline != null) {
    data.push(reference(ctx, task.baseline, ctx.t("chart.curves.baseline", { value: ctx.fmt(task.baseline) }), x));
  }
  if (task.threshold != null) {
    data.push(reference(ctx, task.threshold, ctx.t("chart.curves.threshold", { value: ctx.fmt(task.threshold) }), x, { dash: "dot" }));
  }
  if (withAccuracy) {
    // the accuracy axis's ticks and title sit in the gap between the two plots: wider for the projector's type
    layout.xaxis.domain = ctx.projection ? [0, 0.48] : [0, 0.55];
    layout.xaxis2 = { ...layout.xaxis, domain: ctx.projection ? [0.72, 1] : [0.7, 1], anchor: "y2" };
    layout.yaxis2 = axis(ctx, ctx.t("chart.curves.y_accuracy"), { anchor: "x2", range: [0, 1.05], tickformat: ".0%" });
    if (task.chance_accuracy != null) {
      const label = ctx.t("chart.curves.chance", { value: ctx.fmt(task.chance_accuracy) });
      data.push(reference(ctx, task.chance_accuracy, label, x, { xaxis: "x2", yaxis: "y2" }));
    }
  }
  return { data, layout };
}
