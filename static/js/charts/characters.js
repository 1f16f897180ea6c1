// The text task's characters on the time axis: step t is labelled with the character x_t the network reads
// there, and a line's or bar's hover adds what that cell predicts next (its most probable character and
// that probability) beside the character that does come next. Applied to a finished figure, so every
// per-step chart (gradient flow, error, Jacobian, contributions, hidden states, gates) gets the same axis.

import { steps, values } from "./common.js";

/** Blanks and line breaks as visible signs, so that a space is a tick label too. */
const VISIBLE = { " ": "␣", "\n": "↵", "\t": "⇥" };

export function visible(ch) {
  return VISIBLE[ch] ?? ch;
}

/** A tick label: the sign for a blank drawn half as large again, since ␣ is a small glyph in every font. */
function tickLabel(ch, size) {
  const shown = visible(ch);
  return shown === ch ? ch : `<span style="font-size:${Math.round(size * 1.5)}px">${shown}</span>`;
}

function argmax(row) {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** The example's input character at each step (T), or null when the trace's task has no vocabulary. */
export function stepCharacters(trace) {
  const vocabulary = trace?.task?.vocabulary;
  const inputs = values(trace?.example?.inputs);
  if (!vocabulary || !inputs?.length) return null;
  return inputs.map((row) => vocabulary[argmax(row)]);
}

/**
 * Per step of the example, what cell `kind` predicts: {top, p, next}, the most probable next character,
 * its probability (the softmax output) and the target. Null without a vocabulary or a softmax output.
 */
export function stepPredictions(trace, kind) {
  const vocabulary = trace?.task?.vocabulary;
  const outputs = values(trace?.cells?.[kind]?.outputs);
  const targets = values(trace?.example?.targets);
  if (!vocabulary || !outputs || !targets || trace.config?.output !== "softmax") return null;
  return outputs.map((row, t) => {
    const top = argmax(row);
    const target = Array.isArray(targets[t]) ? argmax(targets[t]) : targets[t];
    return { top: vocabulary[top], p: row[top], next: vocabulary[target] };
  });
}

/** At most this many character labels on one axis (every k-th step beyond), by the chart's width. */
function mostLabels(ctx) {
  return ctx.projection ? 24 : ctx.narrow ? 16 : 48;
}

/**
 * `figure` with the time axis of every trace drawn over steps 1…T labelled by the trace's characters, and
 * the predictions in the hover of lines and bars (left out when `predict` is false: a training snapshot's
 * network predicts otherwise than the trace's). Unchanged when the task has no vocabulary.
 */
export function withCharacters(figure, trace, ctx, { predict = true } = {}) {
  const chars = stepCharacters(trace);
  if (!chars) return figure;
  const T = chars.length;
  const size = ctx.projection ? 24 : 14; // the labels are read one by one: larger than numbers' ticks
  const every = Math.ceil(T / mostLabels(ctx));
  const tickvals = steps(T).filter((t) => (t - 1) % every === 0);
  const ticks = {
    tickmode: "array",
    tickvals,
    ticktext: tickvals.map((t) => tickLabel(chars[t - 1], size)),
    tickangle: 0,
  };
  const layout = { ...figure.layout };
  const data = figure.data.map((trace_) => ({ ...trace_ }));
  const predicted = {};
  for (const d of data) {
    const x = d.x;
    if (!Array.isArray(x) || !x.length || !x.every((v) => Number.isInteger(v) && v >= 1 && v <= T)) continue;
    const key = `xaxis${(d.xaxis || "x").slice(1)}`;
    const axis = layout[key] || {};
    // "time step t" becomes "character x_t read at step t"; another title (the input step s) stays
    const title = axis.title?.text === ctx.t("axis.t") ? { ...axis.title, text: ctx.t("axis.t_chars") } : axis.title;
    layout[key] = { ...axis, ...ticks, title, tickfont: { ...axis.tickfont, size: Math.max(axis.tickfont?.size ?? 0, size) } };
    const kind = d.meta?.cell;
    if (!predict || !kind || !(d.type === "scatter" || d.type === "bar") || !d.hovertemplate) continue;
    predicted[kind] ??= stepPredictions(trace, kind);
    const rows = predicted[kind];
    if (!rows) continue;
    d.customdata = x.map((t) =>
      ctx.t("chart.chars.hover", {
        input: visible(chars[t - 1]),
        top: visible(rows[t - 1].top),
        p: ctx.fmt(rows[t - 1].p, 2),
        next: visible(rows[t - 1].next),
      }),
    );
    d.hovertemplate = d.hovertemplate.replace("<extra>", "<br>%{customdata}<extra>");
  }
  return { data, layout };
}
