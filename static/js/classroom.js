// The classroom on top of the page: lesson mode (lesson/lesson.js), projection mode (projection.js), keyboard
// control (keyboard.js), the keyboard help overlay, the "Share with class" panel (share.js) and the live
// class (live.js).
//
// main.js calls startClassroom(host) once, after the controls exist and before the first trace is fetched,
// with the page's own functions, so every change here goes the page's one path (state → URL → fetch →
// render). main.js announces what changed with document events: gradflow:trace (a new trace is drawn),
// gradflow:run (the training run moved), gradflow:language and gradflow:projection.

import { listenKeys } from "./keyboard.js";
import { Lesson } from "./lesson/lesson.js";
import { startLive } from "./live.js";
import { Projection } from "./projection.js";
import { SharePanel } from "./share.js";

const $ = (id) => document.getElementById(id);

/** The keyboard help overlay (#keys-help): "?" shows and hides it, Esc and its button close it. */
class KeysHelp {
  constructor() {
    this.box = $("keys-help");
    $("help-btn")?.addEventListener("click", () => this.toggle());
    $("keys-help-close")?.addEventListener("click", () => this.close());
  }

  get isOpen() {
    return Boolean(this.box && !this.box.hidden);
  }

  toggle() {
    if (!this.box) return;
    this.box.hidden = !this.box.hidden;
    $("help-btn")?.setAttribute("aria-expanded", String(this.isOpen));
  }

  close() {
    if (this.isOpen) this.toggle();
  }
}

/**
 * host: {page, run, applyPreset(name), onPreset(name), onChange(key, value), setProjection(on), writeURL(),
 * showQuery(search)}: the page's state and training run, and main.js's own handlers.
 */
export function startClassroom(host) {
  const lesson = new Lesson(host, $("lesson-panel"));
  const projection = new Projection(host);
  const share = new SharePanel();
  const help = new KeysHelp();
  const run = host.run;
  const trainRequest = () => host.page.state.request("train");

  document.addEventListener("gradflow:trace", () => {
    lesson.onTrace();
    share.refresh();
  });
  document.addEventListener("gradflow:run", () => lesson.onRun());
  document.addEventListener("gradflow:language", () => {
    lesson.render();
    share.refresh();
  });
  document.addEventListener("gradflow:projection", () => lesson.onProjection());

  const widget = () => (lesson.open ? lesson.widget : null);
  listenKeys(
    {
      play() {
        if (widget()?.toggle) widget().toggle();
        else if (!lesson.open) run.toggle(trainRequest());
      },
      earlier() {
        if (widget()?.step) widget().step(-1);
        else if (lesson.open) lesson.previous();
        else return false;
      },
      later() {
        if (widget()?.step) widget().step(1);
        else if (lesson.open) lesson.next();
        else run.step(trainRequest());
      },
      previous: () => (lesson.open ? lesson.previous() : lesson.toggle()),
      next: () => (lesson.open ? lesson.next() : lesson.toggle()),
      projection: () => projection.toggle(),
      lesson: () => lesson.toggle(),
      help: () => help.toggle(),
      escape() {
        if (help.isOpen) help.close();
        else return false; // the share panel is a modal <dialog>: the browser closes it on Esc
      },
    },
    () => share.isOpen || live.blocksKeys,
  );

  lesson.init(location.search);
  const live = startLive(host, lesson, share);
  return { lesson, projection, share, help, live };
}
