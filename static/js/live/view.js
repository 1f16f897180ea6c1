// The live class's view: what the teacher's page shows, as one JSON object that the server relays to every
// student (PUT /api/class/{id}/view, then the `view` event), and back into a page:
//
//   query  the page's URL query (its whole state: settings, preset, lesson scene) without what belongs to
//          one screen only: its language, its projection theme, and the class itself
//   scene  the lesson scene's id, or null outside the lesson
//   step   the BPTT animation's step in that scene, or null
//   train  the teacher's training run as the students draw it (packRun), or null when there is none
//
// Students draw the teacher's training from these snapshots; they never train again themselves.

const OWN = ["lang", "projection", "class"]; // a page's own, never the class's
// The server relays at most 64 KB a view; a run's snapshots are thinned to fit well within that, because
// every view goes to every student (200 of them) as often as the teacher's page changes.
const TRAIN_BUDGET = 24_000; // characters of JSON
const FIELDS = ["step", "train_loss", "test_loss", "test_accuracy", "solved", "solved_at"];
const ARRAYS = ["grad_hidden_norm", "grad_cell_norm", "grad_hidden_bound"];

/** `search` without the page's own parameters (no leading "?"). */
export function classQuery(search) {
  const query = new URLSearchParams(search);
  for (const key of OWN) query.delete(key);
  return query.toString();
}

/** Three significant digits are what a chart can show. */
function round(x) {
  return typeof x === "number" && Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(3)) : x;
}

/** A snapshot with what the charts read of it: the scalars, and the arrays named in `arrays` (data only). */
function compact(snapshot, arrays) {
  const cells = {};
  for (const [kind, cell] of Object.entries(snapshot.cells)) {
    const out = { kind };
    for (const field of FIELDS) if (cell[field] !== undefined) out[field] = round(cell[field]);
    for (const name of arrays) {
      const data = cell[name]?.data;
      if (Array.isArray(data)) out[name] = { shape: cell[name].shape, data: data.map(round) };
    }
    cells[kind] = out;
  }
  return { step: snapshot.step, overflow: snapshot.overflow, cells };
}

/**
 * The run as the students draw it: its task's reference values, its state and its snapshots, the last one
 * whole (the headline follows it) and the ones before with the gradient over t only (the heatmap's rows),
 * every other one dropped until the whole fits in TRAIN_BUDGET. Null when the page shows no run.
 */
export function packRun(run) {
  const shown = run.visible();
  if (!shown.length && run.state === "idle") return null;
  const task = run.info?.task ?? {};
  const config = run.info?.config ?? {};
  const info = {
    task: { baseline: task.baseline ?? null, threshold: task.threshold ?? null, chance_accuracy: task.chance_accuracy ?? null },
    config: { steps: config.steps ?? null, seconds: config.seconds ?? null },
  };
  const head = { info, state: run.state, status: run.status, reason: run.reason };
  const last = shown.length ? compact(shown[shown.length - 1], ARRAYS) : null;
  let earlier = shown.slice(0, -1).map((s) => compact(s, ["grad_hidden_norm"]));
  const size = () => JSON.stringify(earlier).length + JSON.stringify(last).length;
  while (earlier.length > 1 && size() > TRAIN_BUDGET) earlier = earlier.filter((_, i) => i % 2 === 0);
  if (size() > TRAIN_BUDGET) earlier = [];
  return { ...head, snapshots: last ? [...earlier, last] : [] };
}

/** The view of the teacher's page now (see the top of this file). */
export function viewOf({ lesson, run }) {
  return {
    query: classQuery(location.search),
    scene: lesson.scene?.id ?? null,
    step: lesson.step,
    train: packRun(run),
  };
}

/**
 * Show `view` on this page through its own path (URL query → state → fetch → render); `shown` is the view
 * this page showed last (null at first), so that what did not change is left as it is.
 */
export function showView(view, shown, { host, lesson, run }) {
  const query = typeof view.query === "string" ? view.query : "";
  if (query !== classQuery(location.search) || !shown) {
    const scene = lesson.number;
    host.showQuery(query);
    if (lesson.number !== scene) lesson.render({ scroll: true });
  }
  if (view.step !== null && view.step !== undefined) lesson.showStep(view.step);
  const train = JSON.stringify(view.train ?? null);
  if (train !== JSON.stringify(shown?.train ?? null) || !shown) {
    if (view.train && Array.isArray(view.train.snapshots)) run.follow(view.train);
    else if (run.mirrored || run.started) run.reset();
  }
}
