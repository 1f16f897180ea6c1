// The numbers a preset's words quote, read off the payloads the page already has. A preset's
// `quantities` (static/lesson/presets.json, served by /api/presets) name them; its words say `{name}`
// where one goes. app/web/payloads/claims.py reads the same definitions and the tests check every claim made
// with them, so a number on screen is always the one the tests checked, never typed into a sentence.

function curve(cell, field) {
  return cell?.[field]?.data ?? null;
}

/** The number `spec` names in payloads = {trace, compare: [trace…], train: last snapshot}; null if absent. */
export function quantity(spec, payloads) {
  if (spec.of === "final") return payloads.train?.cells?.[spec.cell]?.[spec.field] ?? null;
  const trace = spec.variant === undefined ? payloads.trace : payloads.compare?.[spec.variant];
  if (!trace) return null;
  if (spec.of === "task") return trace.task?.[spec.field] ?? null;
  const cell = trace.cells?.[spec.cell];
  if (!cell) return null;
  if (spec.of === "value") return cell[spec.field] ?? null;
  if (["gate_mean", "gate_lift", "gate_dip", "gate_unit_max", "kept_unit_gate"].includes(spec.of)) {
    const grid = cell.gates?.[spec.field]?.data;
    if (!grid?.length) return null;
    const means = unitMeans(grid);
    if (spec.of === "gate_mean") return means.reduce((a, b) => a + b, 0) / means.length;
    if (spec.of === "gate_unit_max") return Math.max(...means);
    if (spec.of === "kept_unit_gate") {
      const u = followedUnit("kept", trace, spec.cell, spec.field);
      return u === null ? null : means[u];
    }
    const scores = unitScores(spec.of === "gate_lift" ? "lifted" : "dipped", trace, spec.cell, spec.field);
    return scores ? Math.max(...scores) : null;
  }
  const data = curve(cell, spec.field);
  if (!data?.length) return null;
  if (spec.of === "zero_before") {
    const first = data.findIndex((v) => v !== 0);
    return first === -1 ? data.length : first;
  }
  if (spec.of === "spread") {
    const low = Math.min(...data);
    return low > 0 ? Math.max(...data) / low : Infinity;
  }
  if (spec.of === "rises") return data.slice(0, -1).filter((v, t) => v > data[t + 1]).length;
  const [first, last] = [data[0], data[data.length - 1]];
  if (first === null || last === null) return null;
  if (spec.of === "first") return first;
  if (spec.of === "last") return last;
  const ratio = last ? first / last : Infinity;
  if (spec.of === "ratio") return ratio;
  if (spec.of === "per_step") return ratio ** (1 / (data.length - 1));
  return null;
}

/** `text` with each `{name}` of the preset's quantities replaced by its number (… while it is unknown). */
export function fillQuantities(text, preset, payloads, format) {
  const specs = preset?.quantities || {};
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in specs)) return whole;
    const value = quantity(specs[name], payloads);
    return value === null || value === undefined ? "…" : format(value);
  });
}

/** Per unit (index into cell.units), the mean of a gate over the example's steps. */
function unitMeans(grid) {
  return grid[0].map((_, u) => grid.reduce((sum, row) => sum + row[u], 0) / grid.length);
}

/**
 * The unit a gate scene follows (an index into cell.units), by the scene's rule:
 * "kept"   the unit whose keep gate (the LSTM's f, the GRU's z) is highest on average: the one that holds a value
 * "lifted" the unit whose `gate` opens most at the example's marked steps (the quantity gate_lift)
 * "dipped" the unit whose `gate` closes most there (gate_dip): a GRU unit that writes the marked number
 */
export function followedUnit(rule, trace, kind, gate) {
  const scores = unitScores(rule, trace, kind, gate);
  return scores ? scores.indexOf(Math.max(...scores)) : null;
}

/** Per unit, the score a rule of followedUnit ranks by (null without the gate, or without marked steps). */
function unitScores(rule, trace, kind, gate) {
  const keep = { lstm: "f", gru: "z" }[kind];
  const grid = trace?.cells?.[kind]?.gates?.[rule === "kept" ? keep : gate]?.data;
  if (!grid?.length) return null;
  if (rule === "kept") return unitMeans(grid);
  const marked = (trace.example?.inputs?.data || []).map((row) => row[row.length - 1] > 0.5);
  if (!marked.some(Boolean) || marked.every(Boolean)) return null;
  const pick = (on) => unitMeans(grid.filter((_, t) => marked[t] === on));
  const [on, off] = [pick(true), pick(false)];
  return on.map((v, u) => (rule === "lifted" ? v - off[u] : off[u] - v));
}
