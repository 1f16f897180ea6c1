// Wiring only: control → state → URL → fetch → render. What each part does lives in its module:
// state.js (the parameters and the URL), api.js (every request), controls.js (the inputs), train.js (a
// streamed training run), charts/*.js (API data → Plotly figures), render.js (Plotly.react), i18n.js (words).

import { ApiError, getExport, getMeta, getTrace, uploadWeights } from "./api.js";
import { VerifyBadge } from "./badge.js";
import { withCharacters } from "./charts/characters.js";
import { finish } from "./charts/common.js";
import { connectivity } from "./charts/connectivity.js";
import { trainingCurves } from "./charts/curves.js";
import { weightGradContributions } from "./charts/contrib.js";
import { stepError } from "./charts/error.js";
import { flowCaption, flowReadout, gradientFlow } from "./charts/flow.js";
import { gates, gatesCaption } from "./charts/gates.js";
import { hiddenCaption, hiddenStates } from "./charts/hidden.js";
import { jacobianNorms } from "./charts/jacobian.js";
import { gradientOverTraining } from "./charts/training.js";
import { startClassroom } from "./classroom.js";
import { Controls } from "./controls.js";
import { formatNumber, language, loadLanguage, pickLanguage, t, translatePage } from "./i18n.js";
import { errorText, overflowText, showBanner, showError } from "./messages.js";
import { downloadPng, redraw, setLoading } from "./render.js";
import { State, buildTable } from "./state.js";
import { label } from "./icons.js";
import { showOwnInput, wireOwnInput } from "./own.js";
import { setScenes } from "./lesson/scenes.js";
import { PLAY_LABEL, TrainingRun, runStatus } from "./train.js";

const $ = (id) => document.getElementById(id);
/** Tell the classroom (classroom.js) what changed: "trace", "run", "language", "projection" or "url". */
const announce = (what) => document.dispatchEvent(new CustomEvent(`gradflow:${what}`));

// What each view is drawn from: the trace, or the training run (the headline follows the run while it shows one).
const VIEWS = {
  flow: (d, ctx) => gradientFlow(d.flowSource, ctx),
  curves: (d, ctx) => trainingCurves(d.run, ctx),
  training: (d, ctx) => gradientOverTraining(d.run, ctx),
  error: (d, ctx) => stepError(d.trace, ctx),
  contrib: (d, ctx) => weightGradContributions(d.trace, ctx),
  jacobian: (d, ctx) => jacobianNorms(d.trace, ctx),
  hidden: (d, ctx) => hiddenStates(d.trace, ctx),
  gates: (d, ctx) => gates(d.trace, ctx),
  connectivity: (d, ctx) => connectivity(d.trace, ctx),
};
// Captions that say only what their chart shows: chosen by the cells drawn and, for the headline, its regime.
const CAPTIONS = { flow: flowCaption, hidden: hiddenCaption, gates: gatesCaption };
const TRACE_VIEWS = ["flow", "error", "contrib", "jacobian", "hidden", "gates", "connectivity"];
const RUN_VIEWS = ["flow", "curves", "training"];
const NARROW = window.matchMedia("(max-width: 600px)"); // phone width: subplots wrap onto more rows

// compare: the traces of the chosen preset's other settings, [{label, cells}] (most presets have none)
// accepted: the model and training values the server last accepted (the only ones the URL carries)
const page = { meta: null, state: null, controls: null, badge: null, trace: null, compare: [], accepted: {} };
const run = new TrainingRun(onRunUpdate);

// ---- drawing ---------------------------------------------------------------------------------------------

function chartContext() {
  return { t, fmt: formatNumber, projection: Boolean(page.state.get("projection")), narrow: NARROW.matches };
}

function viewData() {
  const shown = run.visible();
  const last = shown[shown.length - 1];
  return {
    trace: page.trace,
    run: { snapshots: shown, task: run.info?.task ?? page.trace?.task },
    flowSource: last ?? (page.trace && { ...page.trace, compare: page.compare }),
  };
}

function draw(views) {
  const data = viewData();
  const ctx = chartContext();
  // The headline waits for its first data: its first draw is the one the tests and the benchmark time.
  // the text task's characters on every per-step axis; a training snapshot's hover has no trace predictions
  const characters = (view, figure) =>
    TRACE_VIEWS.includes(view) ? withCharacters(figure, page.trace, ctx, { predict: view !== "flow" || data.flowSource?.step === undefined }) : figure;
  redraw(
    views.filter((view) => view !== "flow" || data.flowSource),
    (view) => characters(view, finish(VIEWS[view](data, ctx), ctx)),
  );
  $("readout-flow").textContent = flowReadout(page.trace, ctx);
  for (const view of views) {
    const source = view === "flow" ? data.flowSource : data.trace;
    if (CAPTIONS[view] && source) document.querySelector(`#card-${view} .caption`).textContent = CAPTIONS[view](source, ctx);
  }
}

/** What showError needs to find the control a refused field of `endpoint` belongs to. */
function errorContext(endpoint) {
  return { endpoint, state: page.state, controls: page.controls };
}

/**
 * The trace and comparison traces when they are the chosen preset's own configuration and the state's current
 * trace (not one still on its way), else none: the preset's words quote numbers of that configuration only.
 */
function currentPayloads() {
  const preset = page.meta.presets.find((p) => p.name === page.state.get("preset"));
  const own = preset && page.state.isPreset(preset) && page.state.shows(page.trace);
  return own ? { trace: page.trace, compare: page.compare } : { trace: null };
}

// ---- the trace: at most one request in flight; the newest state wins ----------------------------------

let traceInFlight = false;
let traceQueued = false;

async function refreshTrace() {
  if (traceInFlight) {
    traceQueued = true;
    return;
  }
  traceInFlight = true;
  setLoading(TRACE_VIEWS, true);
  $("run-status").textContent = t("status.computing");
  const asked = { ...page.state.values };
  try {
    const preset = page.meta.presets.find((p) => p.name === page.state.get("preset"));
    const others = (preset?.compare || []).map((c) => getTrace(c.trace));
    page.trace = await getTrace(page.state.request("trace"));
    accept(asked);
    page.compare = (await Promise.all(others)).map((trace, i) => ({
      label: preset.compare[i].label[language()] ?? preset.compare[i].label.en,
      cells: trace.cells,
    }));
    page.controls.clearErrors();
    page.controls.fields.get("preset")?.sync(); // the preset's words quote numbers of this trace
    showWeights();
    showBanner(overflowText(page.trace.cells));
    $("run-status").textContent = "";
    draw(TRACE_VIEWS);
    page.badge.schedule();
    announce("trace");
  } catch (error) {
    setLoading(TRACE_VIEWS, false);
    $("run-status").textContent = "";
    page.controls.clearErrors();
    showBanner("");
    page.badge.clear(); // the charts still show the last configuration the server accepted
    showError(error, errorContext("trace"));
  } finally {
    traceInFlight = false;
    if (traceQueued) {
      traceQueued = false;
      refreshTrace();
    }
  }
}

// ---- your own network: upload, then every trace names it by its hash (the `weights` parameter) ------------

/** Under the file button: which uploaded network the charts show, or nothing for the app's own. */
function showWeights() {
  const hash = page.state.get("weights");
  const cell = hash && page.trace ? Object.values(page.trace.cells)[0] : null;
  $("weights-status").textContent = cell ? t("weights.active", { cell: t(`cell.${cell.kind}`), H: cell.H, D: page.trace.sizes.D }) : "";
  page.controls.showUpload(cell ? { kind: cell.kind, H: cell.H } : null); // its cells and H, fixed
  showOwnInput(page.trace, hash, page.state.get("input"));
  $("weights-clear").hidden = !hash;
}

async function useWeights(file) {
  if (!file) return;
  $("weights-status").textContent = t("weights.uploading", { name: file.name });
  try {
    const info = await uploadWeights(file);
    onChange("weights", info.weights);
  } catch (error) {
    $("weights-status").textContent = error instanceof ApiError ? errorText(error, page.state.table) : String(error);
  }
}

// ---- training ---------------------------------------------------------------------------------------------

function onRunUpdate() {
  const shown = run.visible();
  const last = shown[shown.length - 1];
  const total = run.info?.config?.steps ?? page.state.request("train").steps ?? page.state.table.steps?.default;
  $("train-progress").max = total || 1;
  $("train-progress").value = last?.step ?? 0;
  Object.assign($("train-progress").dataset, { shown: run.shown, received: run.snapshots.length, status: run.status, state: run.state });
  $("train-counter").textContent = `${formatNumber(last?.step ?? 0, 6)} / ${formatNumber(total, 6)}`;
  label($("train-play"), run.playing ? "pause" : run.state === "finished" || run.state === "failed" ? "again" : "play", t(PLAY_LABEL[run.state]));
  $("train-play").setAttribute("aria-pressed", String(run.playing));
  $("train-play").dataset.state = run.state;
  for (const id of ["dl-train-csv", "dl-train-json"]) $(id).hidden = !(run.state === "finished" && run.status === "done");
  let status = "";
  if (run.state === "failed") {
    if (run.error instanceof ApiError) showError(run.error, errorContext("train"));
    status = t("train.failed", { message: run.error instanceof Error ? errorText(run.error, page.state.table) : run.error });
  } else if (run.state !== "idle") {
    const { key, values } = runStatus(run, total);
    status = t(key, { ...values, step: formatNumber(values.step, 6), total: formatNumber(values.total, 6) }); // as the counter writes them
  }
  $("train-status").textContent = status;
  if (last && overflowText(last.cells)) showBanner(overflowText(last.cells));
  draw(RUN_VIEWS);
  announce("run");
}

// ---- state changes ----------------------------------------------------------------------------------------

/**
 * Remember `values` (a copy of the state's) as accepted by the server: the trace's fields were just answered;
 * a field only training takes is checked against its bounds from the meta (the server checks it again when
 * training starts).
 */
function accept(values) {
  const accepted = {};
  for (const [key, value] of Object.entries(values)) {
    const row = page.state.table[key];
    if (!row.endpoints.length) continue; // the page's own parameters are always written
    if (row.endpoints.includes("trace") || withinBounds(row, value)) accepted[key] = value;
  }
  page.accepted = accepted;
  writeURL();
}

function withinBounds(row, value) {
  if (value === null) return Boolean(row.nullable || row.default === null);
  if (row.enum) return row.enum.includes(value);
  if (row.type === "integer" && !Number.isInteger(value)) return false;
  if (row.type === "number" && !Number.isFinite(value)) return false;
  return !(value < row.minimum || value > row.maximum);
}

/** The values of the preset `name` (what `?preset=NAME` already says, so the URL need not repeat them). */
function presetValues(name) {
  const preset = page.meta.presets.find((p) => p.name === name);
  if (!preset) return {};
  const fresh = new State(page.state.table);
  fresh.apply("train", preset.train);
  fresh.apply("trace", preset.trace);
  return fresh.values;
}

/** The URL: the page's own parameters, and the accepted model values that the preset (if any) does not set. */
function writeURL() {
  const values = {};
  const fromPreset = presetValues(page.state.get("preset"));
  for (const [key, value] of Object.entries(page.accepted)) {
    if (!(Object.hasOwn(fromPreset, key) && JSON.stringify(fromPreset[key]) === JSON.stringify(value))) values[key] = value;
  }
  for (const [key, value] of Object.entries(page.state.values)) if (!page.state.table[key].endpoints.length) values[key] = value;
  const query = page.state.toQuery(values);
  // the fragment is not the page's state: kept (a teacher's #teach=… is read after the first URL is written)
  history.replaceState(null, "", (query ? `?${query}` : location.pathname) + location.hash);
  announce("url"); // a live class's teacher sends the view on (live/teacher.js)
}

/** A control moved: the state and the URL follow, a running training is reset (its configuration is gone). */
function onChange(key, value) {
  page.state.set(key, value);
  page.state.set("preset", null);
  writeURL();
  // task parameters appear, disappear, take the task's defaults; bounds that follow another parameter move
  if (key === "task" || key === "batch" || key === "T" || key === "sentence") page.controls.sync();
  else {
    page.controls.fields.get("preset")?.sync();
    page.controls.fields.get(key)?.sync(); // a lesson slider or the keyboard moved it: the sidebar follows
  }
  if (run.started) run.reset();
  refreshTrace();
}

/** Every model and training parameter from the preset `name` (the defaults where it has none). */
function applyPreset(name) {
  const preset = page.meta.presets.find((p) => p.name === name);
  page.state.resetModel();
  if (preset) {
    page.state.apply("train", preset.train);
    page.state.apply("trace", preset.trace);
  }
  page.state.set("preset", preset ? name : null);
}

function onPreset(name) {
  applyPreset(name);
  // a preset's values were checked when the server started: the URL (and a live class's view) says them at
  // once, rather than the last configuration's until the new trace is answered
  page.accepted = { ...page.state.values };
  writeURL();
  page.controls.sync();
  if (run.started) run.reset();
  refreshTrace();
}

/**
 * Show the view that the query string `search` describes, as a link would open it, keeping this page's own
 * language, theme and live class: URL query → state → fetch → render (a live class's student follows the
 * teacher this way, live/student.js). A training run of this page's own is stopped.
 */
function showQuery(search) {
  const own = Object.fromEntries(["lang", "projection", "class"].map((key) => [key, page.state.get(key)]));
  page.state.readURL(search);
  if (page.state.get("preset")) {
    applyPreset(page.state.get("preset"));
    page.state.readURL(search, true);
  }
  for (const [key, value] of Object.entries(own)) page.state.set(key, value);
  page.accepted = { ...page.state.values }; // as on load: the link's values, until the answer says otherwise
  writeURL();
  page.controls.sync();
  if (run.started) run.reset();
  refreshTrace();
}

async function setLanguage(lang) {
  page.state.set("lang", lang);
  writeURL();
  await loadLanguage(lang);
  translatePage();
  page.controls.build(lang);
  if (page.trace) showBanner(overflowText(page.trace.cells));
  onRunUpdate();
  draw(TRACE_VIEWS);
  page.badge.schedule();
  announce("language");
}

function setProjection(on) {
  page.state.set("projection", on);
  writeURL();
  document.documentElement.dataset.theme = on ? "projection" : "";
  $("projection-btn").setAttribute("aria-pressed", String(on));
  draw(Object.keys(VIEWS));
  announce("projection");
}

async function share() {
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    $("share-status").textContent = t("share.copied");
  } catch {
    $("share-status").textContent = t("share.copy_this", { url });
  }
}

/** What a downloaded PNG says about the view it shows: a caption line, and the link that reopens it. */
function pngSettings() {
  const query = new URLSearchParams(location.search);
  for (const key of ["lang", "projection", "lesson", "class"]) query.delete(key);
  const settings = [...query.keys()].filter((k, i, all) => all.indexOf(k) === i).map((k) => `${k}=${query.getAll(k).join(",")}`);
  return {
    caption: t("download.png_caption", { settings: settings.join(" · ") || t("download.png_defaults") }),
    link: location.href,
  };
}

async function exportData(what, format) {
  try {
    const { blob, filename } = await getExport(what, format, page.state.request(what));
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: filename });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (error) {
    showError(error, errorContext(what));
  }
}

// ---- start ------------------------------------------------------------------------------------------------

function wire() {
  $("run-btn").addEventListener("click", refreshTrace);
  $("train-play").addEventListener("click", () => run.toggle(page.state.request("train")));
  $("train-step").addEventListener("click", () => run.step(page.state.request("train")));
  $("train-reset").addEventListener("click", () => {
    run.reset();
    draw(TRACE_VIEWS);
  });
  $("share-btn").addEventListener("click", share);
  $("lang-btn").addEventListener("click", () => setLanguage(language() === "ko" ? "en" : "ko"));
  $("projection-btn").addEventListener("click", () => setProjection(!page.state.get("projection")));
  $("banner-close").addEventListener("click", () => showBanner(""));
  $("weights-file").addEventListener("change", (event) => useWeights(event.target.files[0]));
  $("weights-drop").addEventListener("dragover", (event) => event.preventDefault());
  $("weights-drop").addEventListener("drop", (event) => {
    event.preventDefault();
    useWeights(event.dataTransfer.files[0]);
  });
  $("weights-clear").addEventListener("click", () => {
    page.state.set("input", null); // your numbers were the upload's input
    onChange("weights", null);
  });
  wireOwnInput({ onChange, table: () => page.state.table });
  NARROW.addEventListener("change", () => draw(Object.keys(VIEWS)));
  for (const button of document.querySelectorAll("[data-download='png']")) {
    button.addEventListener("click", () => downloadPng(button.dataset.view, `gradflow-${button.dataset.view}`, pngSettings()));
  }
  for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", () => exportData(button.dataset.export, button.dataset.format));
  }
}

async function start() {
  const query = new URLSearchParams(location.search);
  const [meta] = await Promise.all([getMeta(), loadLanguage(pickLanguage(query.get("lang")))]);
  page.meta = meta;
  setScenes(meta.scenes);
  page.state = new State(buildTable(meta));
  page.state.readURL(location.search);
  if (page.state.get("preset")) {
    applyPreset(page.state.get("preset"));
    page.state.readURL(location.search, true); // the link's own values win over the preset's
  }
  translatePage();
  document.documentElement.dataset.theme = page.state.get("projection") ? "projection" : "";
  $("projection-btn").setAttribute("aria-pressed", String(Boolean(page.state.get("projection"))));
  page.controls = new Controls($("controls-body"), { meta, state: page.state, onChange, onPreset, payloads: currentPayloads });
  page.controls.build(language());
  page.badge = new VerifyBadge($("verify-badge"), () => page.state.request("gradcheck"));
  if (NARROW.matches) $("settings").open = false;
  // the side panel fits under the top bar, whose height depends on the language and the theme (app.css)
  const topbar = document.querySelector(".topbar");
  new ResizeObserver(() => document.documentElement.style.setProperty("--topbar-height", `${topbar.offsetHeight}px`)).observe(topbar);
  wire();
  page.accepted = { ...page.state.values }; // the link's values, until the first answer says otherwise
  startClassroom({ page, run, applyPreset, onPreset, onChange, setProjection, writeURL, showQuery });
  onRunUpdate();
  await refreshTrace();
  document.body.dataset.status = "ready";
}

start().catch((error) => {
  document.body.dataset.status = "failed";
  showBanner(error instanceof ApiError ? error.message : String(error));
  throw error;
});
