// Wiring only: control → state → URL → fetch → render. What each part does lives in its module:
// state.js (the parameters and the URL), api.js (every request), controls.js (the inputs), train.js (a
// streamed training run), charts/*.js (API data → Plotly figures), render.js (Plotly.react), i18n.js (words).

import { ApiError, getExport, getGradcheck, getMeta, getTrace } from "./api.js";
import { connectivity } from "./charts/connectivity.js";
import { trainingCurves } from "./charts/curves.js";
import { weightGradContributions } from "./charts/contrib.js";
import { flowReadout, gradientFlow } from "./charts/flow.js";
import { gates } from "./charts/gates.js";
import { hiddenStates } from "./charts/hidden.js";
import { jacobianNorms } from "./charts/jacobian.js";
import { gradientOverTraining } from "./charts/training.js";
import { Controls } from "./controls.js";
import { formatNumber, has, language, loadLanguage, pickLanguage, t, translatePage } from "./i18n.js";
import { downloadPng, redraw, setLoading } from "./render.js";
import { State, buildTable } from "./state.js";
import { TrainingRun } from "./train.js";

const $ = (id) => document.getElementById(id);

// What each view is drawn from: the trace, or the training run (the headline follows the run while it shows one).
const VIEWS = {
  flow: (d, ctx) => gradientFlow(d.flowSource, ctx),
  curves: (d, ctx) => trainingCurves(d.run, ctx),
  training: (d, ctx) => gradientOverTraining(d.run, ctx),
  contrib: (d, ctx) => weightGradContributions(d.trace, ctx),
  jacobian: (d, ctx) => jacobianNorms(d.trace, ctx),
  hidden: (d, ctx) => hiddenStates(d.trace, ctx),
  gates: (d, ctx) => gates(d.trace, ctx),
  connectivity: (d, ctx) => connectivity(d.trace, ctx),
};
const TRACE_VIEWS = ["flow", "contrib", "jacobian", "hidden", "gates", "connectivity"];
const RUN_VIEWS = ["flow", "curves", "training"];
const GRADCHECK_DELAY_MS = 700; // the badge waits until the sliders rest
const NARROW = window.matchMedia("(max-width: 600px)"); // phone width: subplots wrap onto more rows

const page = { meta: null, state: null, controls: null, trace: null, traceError: null };
const run = new TrainingRun(onRunUpdate);

// ---- drawing ---------------------------------------------------------------------------------------------

function chartContext() {
  return { t, fmt: formatNumber, projection: Boolean(page.state.get("projection")), narrow: NARROW.matches };
}

function viewData() {
  const shown = run.visible();
  const last = shown[shown.length - 1];
  const lossOn = page.trace?.config?.loss_on;
  return {
    trace: page.trace,
    run: { snapshots: shown, task: run.info?.task ?? page.trace?.task },
    flowSource: last ? { ...last, lossOn } : page.trace && { ...page.trace, lossOn },
  };
}

function draw(views) {
  const data = viewData();
  const ctx = chartContext();
  redraw(views, (view) => VIEWS[view](data, ctx));
  $("readout-flow").textContent = flowReadout(page.trace, ctx);
}

// ---- messages --------------------------------------------------------------------------------------------

function showBanner(text, kind = "error") {
  $("banner-text").textContent = text;
  $("banner").dataset.kind = kind;
  $("banner").hidden = !text;
}

/** The server's sentence; in Korean, the same facts in Korean when the error's type is one the page knows. */
function errorText(error) {
  const d = Array.isArray(error.detail) ? error.detail[0] : null;
  if (language() !== "en" && d?.type && d.field) {
    const key = `error.${d.type}`;
    const label = page.state.table[d.field] ? t(`param.${d.field}.label`) : d.field;
    if (has(key)) return t(key, { field: label, limit: d.limit ?? "", got: d.got ?? "" });
  }
  return error.message;
}

/** A refused or failed request: next to the control it names when there is one, else in the banner. */
function showError(error, endpoint) {
  if (!(error instanceof ApiError)) {
    showBanner(t("banner.network", { message: error.message }));
    return;
  }
  if (error.status === 503) {
    showBanner(t("banner.busy"), "info");
    return;
  }
  const key = error.field && page.state.keyOf(endpoint, error.field);
  if (!(key && page.controls.showError(key, errorText(error)))) {
    showBanner(t("banner.rejected", { message: errorText(error) }));
  }
}

function overflowBanner(trace) {
  const blown = Object.entries(trace.cells).filter(([, c]) => c.overflow);
  const lines = blown.map(([kind, c]) =>
    t("banner.overflow", { cell: t(`cell.${kind}`), step: (c.first_nonfinite_step ?? 0) + 1 }),
  );
  showBanner(lines.join(" "));
}

// ---- the trace: at most one request in flight; the newest state wins ----------------------------------

let traceInFlight = false;
let traceQueued = false;
let gradcheckTimer = null;
let gradcheckController = null;

async function refreshTrace() {
  if (traceInFlight) {
    traceQueued = true;
    return;
  }
  traceInFlight = true;
  setLoading(TRACE_VIEWS, true);
  $("run-status").textContent = t("status.computing");
  try {
    page.trace = await getTrace(page.state.request("trace"));
    page.controls.clearErrors();
    if (page.trace.overflow) overflowBanner(page.trace);
    else showBanner("");
    $("run-status").textContent = "";
    draw(TRACE_VIEWS);
    scheduleGradcheck();
  } catch (error) {
    setLoading(TRACE_VIEWS, false);
    $("run-status").textContent = "";
    page.controls.clearErrors();
    showError(error, "trace");
  } finally {
    traceInFlight = false;
    if (traceQueued) {
      traceQueued = false;
      refreshTrace();
    }
  }
}

// ---- the gradients-verified badge -------------------------------------------------------------------------

function setBadge(state, text) {
  const badge = $("verify-badge");
  badge.dataset.state = state;
  badge.textContent = text;
}

function scheduleGradcheck() {
  clearTimeout(gradcheckTimer);
  gradcheckController?.abort();
  setBadge("checking", t("verify.checking"));
  gradcheckTimer = setTimeout(runGradcheck, GRADCHECK_DELAY_MS);
}

async function runGradcheck() {
  const controller = new AbortController();
  gradcheckController = controller;
  try {
    const result = await getGradcheck(page.state.request("gradcheck"), controller.signal);
    const worst = formatNumber(result.worst_relative_error, 2);
    if (result.passed) setBadge("ok", t("verify.ok", { error: worst }));
    else setBadge("fail", t("verify.fail", { error: worst, tolerance: formatNumber(result.tolerance, 2) }));
    $("verify-badge").title = Object.entries(result.cells)
      .map(([kind, c]) => t("verify.cell", { cell: t(`cell.${kind}`), error: formatNumber(c.worst_relative_error, 2), n: c.checks.length }))
      .concat(t("verify.tooltip"))
      .join("\n");
  } catch (error) {
    if (error.name === "AbortError") return;
    setBadge("error", t("verify.error"));
    $("verify-badge").title = error.message;
  }
}

// ---- training ---------------------------------------------------------------------------------------------

function onRunUpdate() {
  const shown = run.visible();
  const last = shown[shown.length - 1];
  const total = run.info?.config?.steps ?? page.state.request("train").steps ?? page.state.table.steps?.default;
  $("train-progress").max = total || 1;
  $("train-progress").value = last?.step ?? 0;
  Object.assign($("train-progress").dataset, { shown: run.shown, received: run.snapshots.length, status: run.status });
  $("train-play").textContent = t(run.playing ? "train.pause" : "train.play");
  $("train-play").setAttribute("aria-pressed", String(run.playing));
  for (const id of ["dl-train-csv", "dl-train-json"]) $(id).hidden = run.status !== "done";
  let status = "";
  if (run.status === "failed") {
    if (run.error instanceof ApiError) showError(run.error, "train");
    status = t("train.failed", { message: run.error instanceof Error ? errorText(run.error) : run.error });
  } else if (run.started) {
    status = t(`train.status.${run.playing || run.status !== "running" ? run.status : "paused"}`, {
      step: last?.step ?? 0,
      total,
      received: run.snapshots.length,
    });
  }
  $("train-status").textContent = status;
  const blown = last && Object.entries(last.cells).find(([, c]) => c.overflow);
  if (blown) showBanner(t("banner.overflow", { cell: t(`cell.${blown[0]}`), step: (blown[1].first_nonfinite_step ?? 0) + 1 }));
  draw(RUN_VIEWS);
}

// ---- state changes ----------------------------------------------------------------------------------------

function writeURL() {
  const query = page.state.toQuery();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

/** A control moved: the state and the URL follow, a running training is reset (its configuration is gone). */
function onChange(key, value) {
  page.state.set(key, value);
  page.state.set("preset", null);
  writeURL();
  if (key === "task") page.controls.sync(); // task parameters appear, disappear, take the task's defaults
  else page.controls.fields.get("preset")?.sync();
  performance.mark("gradflow:input");
  if (run.started) run.reset();
  refreshTrace();
}

function onPreset(name) {
  const preset = page.meta.presets.find((p) => p.name === name);
  page.state.resetModel();
  if (preset) {
    page.state.apply("train", preset.train);
    page.state.apply("trace", preset.trace);
  }
  page.state.set("preset", preset ? name : null);
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
  onRunUpdate();
  draw(TRACE_VIEWS);
}

function setProjection(on) {
  page.state.set("projection", on);
  writeURL();
  document.documentElement.dataset.theme = on ? "projection" : "";
  $("projection-btn").setAttribute("aria-pressed", String(on));
  draw(Object.keys(VIEWS));
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

async function exportData(what, format) {
  try {
    const { blob, filename } = await getExport(what, format, page.state.request(what));
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: filename });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (error) {
    showError(error, what);
  }
}

// ---- start ------------------------------------------------------------------------------------------------

function wire() {
  $("run-btn").addEventListener("click", refreshTrace);
  $("train-play").addEventListener("click", () => (run.playing ? run.pause() : run.play(page.state.request("train"))));
  $("train-step").addEventListener("click", () => run.step(page.state.request("train")));
  $("train-reset").addEventListener("click", () => {
    run.reset();
    draw(TRACE_VIEWS);
  });
  $("share-btn").addEventListener("click", share);
  $("lang-btn").addEventListener("click", () => setLanguage(language() === "ko" ? "en" : "ko"));
  $("projection-btn").addEventListener("click", () => setProjection(!page.state.get("projection")));
  $("banner-close").addEventListener("click", () => showBanner(""));
  $("verify-badge").addEventListener("click", scheduleGradcheck);
  NARROW.addEventListener("change", () => draw(Object.keys(VIEWS)));
  for (const button of document.querySelectorAll("[data-download='png']")) {
    button.addEventListener("click", () => downloadPng(button.dataset.view, `gradflow-${button.dataset.view}`));
  }
  for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", () => exportData(button.dataset.export, button.dataset.format));
  }
}

async function start() {
  const query = new URLSearchParams(location.search);
  const [meta] = await Promise.all([getMeta(), loadLanguage(pickLanguage(query.get("lang")))]);
  page.meta = meta;
  page.state = new State(buildTable(meta));
  page.state.readURL(location.search);
  translatePage();
  document.documentElement.dataset.theme = page.state.get("projection") ? "projection" : "";
  $("projection-btn").setAttribute("aria-pressed", String(Boolean(page.state.get("projection"))));
  page.controls = new Controls($("controls-body"), { meta, state: page.state, onChange, onPreset });
  page.controls.build(language());
  wire();
  onRunUpdate();
  await refreshTrace();
  document.body.dataset.status = "ready";
}

start().catch((error) => {
  document.body.dataset.status = "failed";
  showBanner(error instanceof ApiError ? error.message : String(error));
  throw error;
});
