// A student's side of a live class: the teacher's view followed over Server-Sent Events
// (GET /api/class/{id}/events: view, question, reveal, closed, end), a Detach that stops following (the
// page is the student's own until Rejoin, which jumps back to the teacher's latest view), the open question
// with its choices as large buttons and the charts hidden until the reveal, and the end of the class.
//
// A vote is sent with a device id: a random id kept in this browser's localStorage, so that one device
// votes once per question (the server counts the first vote only). The vote itself is remembered per
// question, to show it again after a reload and at the reveal.

import { ApiError, answerQuestion, classEventsUrl, getClass } from "../api.js";
import { t } from "../i18n.js";
import { drawQuestion, hideQuestion } from "./question.js";
import { showView } from "./view.js";

const DEVICE = "gradflow.device";
const RETRY_MS = 5000; // after the server refused the stream (a full class answers 503)
const VOTE = (id, qid) => `gradflow.class.${id}.vote.${qid}`;

/** A random id for this browser, made once and kept. */
export function deviceId(storage = localStorage) {
  let id = null;
  try {
    id = storage.getItem(DEVICE);
  } catch {
    // storage refused: a fresh id for this page's life
  }
  if (id && /^[A-Za-z0-9_-]{8,64}$/.test(id)) return id;
  // randomUUID exists only in a secure context (https, or this laptop itself); a student's phone opens the
  // page over plain http on the classroom network, where getRandomValues still works.
  id = crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  try {
    storage.setItem(DEVICE, id);
  } catch {
    // kept for this page only
  }
  return id;
}

function remembered(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // shown until the page is reloaded
  }
}

export class Student {
  /** live: the page's live-class wiring (live.js). */
  constructor(live, id) {
    Object.assign(this, { live, id });
    this.following = true;
    this.latest = null; // the teacher's latest view
    this.shown = null; // the view this page shows (the teacher's when following)
    this.question = null;
    this.reveal = null;
    this.mine = null;
    this.note = ""; // a sentence under the question (a vote not counted, too fast…)
    this.source = null;
    this.dropped = false; // the stream broke and is not back yet
    this.device = deviceId();
  }

  async begin() {
    let state;
    try {
      state = await getClass(this.id);
    } catch (error) {
      this.live.leave(error instanceof ApiError && error.status === 410 ? "live.ended" : "live.not_found");
      return;
    }
    if (state.view) this.onView({ view: state.view });
    if (state.question) this.onQuestion(state.question);
    this.connect();
  }

  connect() {
    const source = new EventSource(classEventsUrl(this.id));
    this.source = source;
    const on = (name, handle) =>
      source.addEventListener(name, (event) => {
        if (source === this.source) handle(JSON.parse(event.data));
      });
    on("view", (data) => this.onView(data));
    on("question", (data) => this.onQuestion(data));
    on("reveal", (data) => this.onReveal(data));
    on("closed", (data) => this.onClosed(data));
    on("end", () => this.onEnd());
    source.addEventListener("open", () => {
      this.dropped = false;
      this.live.refresh();
    });
    source.addEventListener("error", () => {
      this.dropped = true; // the browser reconnects on its own
      this.live.refresh();
      if (source === this.source && source.readyState === EventSource.CLOSED) this.retry();
    });
  }

  /** The stream was refused (the class is full, or over): ask why, and try again a little later if it is on. */
  async retry() {
    this.source = null;
    try {
      await getClass(this.id);
    } catch (error) {
      if (error instanceof ApiError && [404, 410].includes(error.status)) return this.onEnd();
    }
    this.live.say(t("live.retrying"));
    setTimeout(() => {
      if (this.source === null && this.live.role === this) {
        this.live.say("");
        this.connect();
      }
    }, RETRY_MS);
  }

  // ---- following --------------------------------------------------------------------------------------------

  onView({ view }) {
    if (!view || typeof view !== "object") return;
    this.latest = view;
    if (this.following) this.show(view);
  }

  show(view) {
    showView(view, this.shown, this.live);
    this.shown = view;
  }

  detach() {
    this.following = false;
    this.live.refresh();
  }

  rejoin() {
    this.following = true;
    this.shown = null; // everything again, whatever the student changed meanwhile
    if (this.latest) this.show(this.latest);
    this.live.refresh();
  }

  status() {
    if (!this.following) return t("live.detached");
    return this.dropped ? t("live.reconnecting") : t("live.following");
  }

  // ---- questions ------------------------------------------------------------------------------------------

  onQuestion(question) {
    if (!question?.qid || !Array.isArray(question.choices)) return;
    this.question = question;
    this.reveal = null;
    this.mine = remembered(VOTE(this.id, question.qid));
    this.note = this.mine ? t("live.voted") : t("live.pick");
    this.draw();
  }

  onReveal(reveal) {
    if (!this.question || reveal.qid !== this.question.qid) return;
    this.reveal = reveal;
    this.note = "";
    this.draw();
  }

  onClosed({ qid }) {
    if (this.question?.qid !== qid) return;
    this.question = null;
    this.draw();
  }

  async vote(choice) {
    const { qid } = this.question;
    this.mine = choice;
    this.note = t("live.sending");
    this.draw();
    try {
      const { counted } = await answerQuestion(this.id, qid, this.device, choice);
      remember(VOTE(this.id, qid), choice);
      this.note = counted ? t("live.voted") : t("live.voted_before");
    } catch (error) {
      this.mine = null;
      if (error instanceof ApiError && error.status === 409) this.note = t("live.vote_closed");
      else if (error instanceof ApiError && error.status === 429) this.note = t("live.vote_too_fast");
      else this.note = t("live.error", { message: error.message });
    }
    if (this.question?.qid === qid && !this.reveal) this.draw();
  }

  hide() {
    this.question = null;
    this.reveal = null;
    this.draw();
  }

  draw() {
    const { box } = this.live;
    document.body.classList.toggle("live-asking", Boolean(this.question && !this.reveal));
    if (!this.question) {
      hideQuestion(box);
    } else {
      const revealed = Boolean(this.reveal);
      drawQuestion(box, {
        question: this.question,
        tally: null,
        answers: 0,
        students: null,
        reveal: this.reveal,
        mine: this.mine,
        status: revealed ? this.verdict() : this.note,
        vote: revealed ? null : (choice) => this.vote(choice),
        actions: revealed ? [{ id: "live-hide", text: t("live.hide"), onClick: () => this.hide() }] : [],
      });
    }
    this.live.refresh();
  }

  /** After the reveal: was the student's choice the correct one? */
  verdict() {
    const { correct } = this.reveal;
    if (correct === null) return t("live.no_correct");
    if (!this.mine) return t("live.not_voted");
    return this.mine === correct ? t("live.right") : t("live.wrong");
  }

  // ---- the end --------------------------------------------------------------------------------------------

  onEnd() {
    this.stop();
    this.live.leave("live.ended");
  }

  stop() {
    this.source?.close();
    this.source = null;
    this.question = null;
    this.draw();
  }
}
