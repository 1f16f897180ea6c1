// Lesson mode: the scenes of lesson/scenes.js one at a time in the page's lesson panel, each with its words
// (both languages, from the language files), its equations (MathML), its widget, its preset applied to the
// page, and the chart it is about highlighted (outlined, moved next to the panel, scrolled into view).
//
// The scene number lives in the page's state as `lesson` (so `?lesson=4` opens scene 4 and a shared link
// opens the same scene); everything else goes through the page's own paths (`host`, see classroom.js):
// presets and control changes as if chosen in the controls, the trace as main.js fetched it.

import { PLOTLY_CONFIG, finish } from "../charts/common.js";
import { fillQuantities } from "../claims.js";
import { formatNumber, t } from "../i18n.js";
import { followSize, plotlyReady } from "../render.js";
import { label } from "../icons.js";
import { button, el } from "./dom.js";
import { math, richText } from "./math.js";
import { SCENES, sceneNumber } from "./scenes.js";
import { WIDGETS } from "./widgets.js";

export class Lesson {
  /** host: {page, run, applyPreset, onPreset, onChange, writeURL} from main.js; panel: #lesson-panel. */
  constructor(host, panel) {
    this.host = host;
    this.panel = panel;
    this.widget = null;
    this.memo = {}; // per scene id: what its widget remembers (chosen step, animation position)
    this.button = document.getElementById("lesson-btn");
    this.button?.addEventListener("click", () => this.toggle());
    this.panel.tabIndex = -1; // a mouse click on the panel's buttons hands focus here (see dom.js)
  }

  get state() {
    return this.host.page.state;
  }

  get number() {
    return sceneNumber(this.state.get("lesson"));
  }

  get open() {
    return this.number !== null;
  }

  get scene() {
    return this.open ? SCENES[this.number - 1] : null;
  }

  /**
   * On page load, before the first trace is fetched: a link with `lesson=N` opens scene N. Its preset is
   * applied only when the link carries no configuration of its own (a shared link reopens what was shared).
   */
  init(search) {
    if (!this.open) return this.render();
    const query = new URLSearchParams(search);
    const configured = [...query.keys()].some((key) => this.state.table[key]?.endpoints.length);
    if (!configured && !query.has("preset")) {
      this.host.applyPreset(this.scene.preset);
      this.host.page.controls.sync();
    }
    this.state.set("lesson", this.number); // normalised (an out-of-range number names the nearest scene)
    this.host.writeURL();
    this.render({ scroll: true });
  }

  toggle() {
    if (this.open) this.close();
    else this.go(this.lastNumber || 1);
  }

  /** Show scene `n` (1-based; clamped), applying its preset unless the page already shows that preset. */
  go(n) {
    const number = sceneNumber(n);
    this.state.set("lesson", number);
    const scene = SCENES[number - 1];
    if (this.state.get("preset") !== scene.preset || !this.ownSettings(scene)) this.host.onPreset(scene.preset);
    else this.host.writeURL();
    this.render({ scroll: true });
  }

  next() {
    this.go((this.number ?? 0) + 1);
  }

  previous() {
    this.go((this.number ?? 2) - 1);
  }

  close() {
    this.lastNumber = this.number;
    this.state.set("lesson", null);
    this.host.writeURL();
    this.render();
  }

  /** Does the page show `scene`'s own configuration (its preset's), which the numbers its words quote are of? */
  ownSettings(scene) {
    const preset = this.host.page.meta.presets.find((p) => p.name === scene.preset);
    return Boolean(preset) && this.state.isPreset(preset);
  }

  /** Is `trace` the one computed for the page's current configuration (not one still on its way)? */
  isCurrent(trace) {
    return this.state.shows(trace);
  }

  // ---- drawing ----------------------------------------------------------------------------------------------

  env(scene) {
    this.memo[scene.id] ??= {};
    const host = this.host;
    return {
      t,
      fmt: formatNumber,
      scene,
      memo: this.memo[scene.id],
      home: this.panel,
      state: host.page.state,
      run: host.run,
      ctx: () => ({ t, fmt: formatNumber, projection: Boolean(host.page.state.get("projection")), narrow: false }),
      draw: (div, figure) => this.draw(div, figure),
      change: (key, value) => host.onChange(key, value),
      moved: () => document.dispatchEvent(new CustomEvent("gradflow:step")), // a live class's teacher sends it on
      trainRequest: () => host.page.state.request("train"),
    };
  }

  async draw(div, figure) {
    await plotlyReady;
    if (!div.isConnected) return;
    const drawn = finish(figure, { projection: Boolean(this.state.get("projection")) });
    await window.Plotly.react(div, drawn.data, drawn.layout, PLOTLY_CONFIG);
    followSize(div);
    div.dataset.draws = String(Number(div.dataset.draws || 0) + 1);
  }

  /** (Re)build the panel for the current scene in the current language; `scroll` brings it into view. */
  render({ scroll = false } = {}) {
    this.widget?.leave?.();
    this.widget = null;
    const scene = this.scene;
    document.body.classList.toggle("lesson-on", Boolean(scene));
    this.button?.setAttribute("aria-pressed", String(Boolean(scene)));
    this.highlight(scene);
    if (!scene) {
      this.panel.hidden = true;
      this.panel.replaceChildren();
      delete this.panel.dataset.scene;
      this.relayout();
      return;
    }
    const n = this.number;
    this.widget = WIDGETS[scene.widget](this.env(scene));
    const title = t(`lesson.scene.${scene.id}.title`);
    const nav = el("div", { class: "lesson-nav" }, [
      button(t("lesson.prev"), () => this.previous(), { home: this.panel, id: "lesson-prev", disabled: n === 1 }),
      button(t("lesson.next"), () => this.next(), { home: this.panel, id: "lesson-next", class: "btn btn-primary", disabled: n === SCENES.length }),
      button(t("lesson.close"), () => this.close(), { id: "lesson-close", class: "btn btn-small", title: t("lesson.close_tooltip") }),
    ]);
    const dots = el(
      "ol",
      { class: "lesson-dots", "aria-label": t("lesson.nav_label") },
      SCENES.map((s, i) =>
        el("li", {}, [
          button(String(i + 1), () => this.go(i + 1), {
            home: this.panel,
            class: "lesson-dot",
            title: t("lesson.go_to", { n: i + 1, title: t(`lesson.scene.${s.id}.title`) }),
            "aria-current": i + 1 === n ? "step" : null,
          }),
        ]),
      ),
    );
    const [prev, next] = nav.querySelectorAll(".btn");
    label(prev, "previous", t("lesson.prev"));
    label(next, "next", t("lesson.next"));
    this.panel.replaceChildren(
      el("header", { class: "lesson-head" }, [
        el("p", { class: "lesson-count", text: t("lesson.count", { n, total: SCENES.length }) }),
        el("h2", { class: "lesson-title", id: "lesson-title", text: title }),
        nav,
      ]),
      // the parts are placed by CSS grid areas: the projection theme puts them in another order
      el("div", { class: `lesson-body lesson-body-${scene.widget}` }, [
        el("p", { class: "lesson-text" }, this.sceneText(scene, null)),
        el("div", { class: "lesson-equations" }, scene.equations.map((source) => math(source))),
        el("div", { class: "lesson-widget", "aria-live": "off" }, [this.widget.element]),
        dots,
      ]),
    );
    this.panel.setAttribute("aria-labelledby", "lesson-title");
    this.panel.dataset.scene = String(n);
    this.panel.dataset.sceneId = scene.id;
    this.panel.dataset.ready = "false";
    this.panel.hidden = false;
    if (scene.view === "lesson") this.panel.querySelector(".lesson-widget")?.classList.add("lesson-focus");
    this.relayout();
    if (scroll) this.scrollIntoView();
    this.onTrace();
  }

  /**
   * The scene's words with the numbers they quote (`{name}`, the quantities of its preset) read off `trace`
   * and the comparison traces, or "…" until the scene's own trace is here.
   */
  sceneText(scene, trace) {
    const preset = this.host.page.meta.presets.find((p) => p.name === scene.preset);
    const own = this.ownSettings(scene);
    const payloads = own && trace ? { trace, compare: this.host.page.compare } : { trace: null, compare: [] };
    const words = t(`lesson.scene.${scene.id}.text`);
    const nodes = richText(fillQuantities(words, preset, payloads, (v) => formatNumber(v, 3)));
    if (own || !preset?.quantities || !Object.keys(preset.quantities).some((name) => words.includes(`{${name}}`))) return nodes;
    // settings changed in this scene: its quoted numbers would be claims about another configuration
    const back = button(t("lesson.restore"), () => this.host.onPreset(scene.preset), { home: this.panel, id: "lesson-restore", class: "btn btn-small" });
    return [...nodes, el("span", { class: "lesson-not-own", text: ` ${t("lesson.not_own")} ` }), back];
  }

  /** The trace main.js has now: give it to the scene's widget when it is the scene's own. */
  async onTrace() {
    const trace = this.host.page.trace;
    const widget = this.widget;
    if (!widget || !this.isCurrent(trace)) return;
    this.panel.querySelector(".lesson-text")?.replaceChildren(...this.sceneText(this.scene, trace));
    const note = this.panel.querySelector(".lesson-unavailable");
    try {
      await widget.update(trace);
      note?.remove();
    } catch (error) {
      // settings changed by hand can leave a scene without what it shows (no RNN in the step-t scene)
      console.warn("lesson: the scene cannot show this trace", error);
      if (!note) this.panel.querySelector(".lesson-widget")?.append(el("p", { class: "lesson-unavailable", text: t("lesson.unavailable") }));
    }
    if (widget === this.widget) this.panel.dataset.ready = "true";
  }

  /** The animation step of the scene's widget (the BPTT scene's position), or null for a scene without. */
  get step() {
    return this.widget?.seek ? (this.memo[this.scene.id]?.position ?? null) : null;
  }

  /** Go to the animation step `position` of the scene's widget (kept for the widget if it is not drawn yet). */
  showStep(position) {
    const scene = this.scene;
    if (!scene || !this.widget?.seek || !Number.isInteger(position)) return;
    this.memo[scene.id] ??= {};
    this.memo[scene.id].position = position;
    if (this.isCurrent(this.host.page.trace)) this.widget.seek(position);
  }

  onRun() {
    this.widget?.onRun?.(this.host.run);
  }

  /** The projection theme changed: the panel's figures are redrawn at its sizes. */
  onProjection() {
    this.relayout();
    if (this.widget && this.isCurrent(this.host.page.trace)) this.widget.update(this.host.page.trace);
  }

  highlight(scene) {
    for (const card of document.querySelectorAll(".card.lesson-focus")) card.classList.remove("lesson-focus");
    const card = scene && scene.view !== "lesson" ? document.getElementById(`card-${scene.view}`) : null;
    card?.classList.add("lesson-focus");
  }

  /** Bring the panel to the top of the window; the highlighted chart is placed right after it (or beside it,
   *  in projection), so it comes into view with it. */
  scrollIntoView() {
    requestAnimationFrame(() => this.panel.scrollIntoView({ block: "start", behavior: "instant" }));
  }

  /** The layout changed (cards moved or resized): Plotly's responsive charts resize on a window resize. */
  relayout() {
    requestAnimationFrame(() => window.dispatchEvent(new Event("resize")));
  }
}
