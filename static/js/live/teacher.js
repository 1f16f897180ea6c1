// The teacher's side of a live class: the session (started from the share panel, or handed over by
// `gradflow serve --class` in the fragment #teach=<secret>), the view sent on every change, the questions
// (a lesson scene's, or the teacher's own), their tally while open, the reveal, and the end.
//
// The teacher secret stays in this tab's sessionStorage (a reload keeps teaching; another tab, or a link
// sent on, does not), and is sent only in the X-Class-Key header.

import {
  ApiError,
  closeQuestion,
  endClass,
  getClass,
  getClassTally,
  openQuestion,
  putClassView,
  revealQuestion,
  startClass,
} from "../api.js";
import { formatNumber, t } from "../i18n.js";
import { drawQuestion, hideQuestion } from "./question.js";
import { viewOf } from "./view.js";

const SEND_EVERY_MS = 150; // the view is sent at most this often, always as it is when it leaves
const TALLY_EVERY_MS = 500; // the projected tally, while a question is open
const COUNT_EVERY_MS = 5000; // the number of students, otherwise
const SECRET = (id) => `gradflow.class.${id}.teacher`;

/** The teacher secret this tab holds for class `id`, or null. */
export function storedSecret(id) {
  try {
    return sessionStorage.getItem(SECRET(id));
  } catch {
    return null; // storage refused (a privacy setting): this tab cannot teach
  }
}

function storeSecret(id, secret) {
  try {
    sessionStorage.setItem(SECRET(id), secret);
  } catch {
    // without storage the session still works until the page is reloaded
  }
}

/** A question form's body, or an error's language key: text, 2–4 non-empty choices, the correct one if marked. */
export function questionBody(text, choices, correctIndex) {
  const words = text.trim();
  const filled = choices.map((c, i) => ({ text: c.trim(), i })).filter((c) => c.text);
  if (!words) return { error: "live.form.need_text" };
  if (filled.length < 2) return { error: "live.form.need_choices" };
  const correct = filled.findIndex((c) => c.i === correctIndex);
  return { body: { text: words, choices: filled.map((c) => c.text), correct: correct >= 0 ? correct : null } };
}

export class Teacher {
  /** live: the page's live-class wiring (live.js): {host, lesson, run, bar, box, form, leave(notice)}. */
  constructor(live, id, secret) {
    Object.assign(this, { live, id, secret });
    this.question = null; // the open or last revealed question, {qid, scene, text, choices}
    this.reveal = null;
    this.tally = null;
    this.students = null;
    this.sent = null; // JSON of the last view sent
    this.timer = null;
    this.sending = false;
    this.poller = null;
    storeSecret(id, secret);
  }

  /** Start a new session from this page (the share panel's button); the page then teaches it. */
  static async start(live) {
    const info = await startClass();
    return new Teacher(live, info.id, info.teacher_secret);
  }

  begin() {
    for (const what of ["url", "run", "step"]) document.addEventListener(`gradflow:${what}`, this.onChange);
    this.send();
    this.poll();
  }

  onChange = () => this.schedule();

  // ---- the view -----------------------------------------------------------------------------------------

  schedule() {
    if (this.timer === null) this.timer = setTimeout(() => this.send(), SEND_EVERY_MS);
    this.live.refresh();
  }

  async send() {
    this.timer = null;
    if (this.sending) return this.schedule(); // one request at a time; the newest view goes next
    const view = viewOf(this.live);
    const text = JSON.stringify(view);
    if (text === this.sent) return;
    this.sending = true;
    try {
      await putClassView(this.id, this.secret, view);
      this.sent = text;
    } catch (error) {
      this.failed(error);
    } finally {
      this.sending = false;
    }
  }

  // ---- questions ------------------------------------------------------------------------------------------

  /** Ask the class the current lesson scene's question. */
  askScene() {
    const scene = this.live.lesson.scene;
    if (scene?.question) return this.ask({ scene: scene.id });
  }

  async ask(body) {
    try {
      const question = await openQuestion(this.id, this.secret, body);
      this.question = question;
      this.reveal = null;
      this.tally = null;
      this.draw();
      this.poll();
      return true;
    } catch (error) {
      this.failed(error);
      return false;
    }
  }

  async revealNow() {
    if (!this.question) return;
    try {
      this.reveal = await revealQuestion(this.id, this.secret, this.question.qid);
      this.draw();
      this.poll();
    } catch (error) {
      this.failed(error);
    }
  }

  async closeNow() {
    const question = this.question;
    this.question = null;
    this.reveal = null;
    this.draw();
    if (!question) return;
    try {
      await closeQuestion(this.id, this.secret, question.qid);
    } catch (error) {
      this.failed(error);
    }
    this.poll();
  }

  /** Take a revealed question off the screen (it is over already; nothing to tell the server). */
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
      this.live.refresh();
      return;
    }
    const open = !this.reveal;
    drawQuestion(box, {
      question: this.question,
      tally: this.tally?.qid === this.question.qid ? this.tally.tally : {},
      answers: this.tally?.qid === this.question.qid ? this.tally.answers : 0,
      students: this.students,
      reveal: this.reveal,
      mine: null,
      status: open ? "" : this.reveal.correct === null ? t("live.no_correct") : "",
      actions: open
        ? [
            { id: "live-reveal", text: t("live.reveal"), onClick: () => this.revealNow(), primary: true },
            { id: "live-close", text: t("live.close"), onClick: () => this.closeNow() },
          ]
        : [{ id: "live-hide", text: t("live.hide"), onClick: () => this.hide() }],
    });
    this.live.refresh();
  }

  // ---- what the teacher's screen is told: the tally and the number of students ------------------------------

  poll() {
    clearTimeout(this.poller);
    const open = this.question && !this.reveal;
    this.poller = setTimeout(() => this.check(), open ? TALLY_EVERY_MS : COUNT_EVERY_MS);
  }

  async check() {
    const open = this.question && !this.reveal;
    try {
      if (open) {
        const before = JSON.stringify(this.tally);
        this.tally = await getClassTally(this.id, this.secret);
        this.students = this.tally.students;
        // redrawn only when it changed: a redraw replaces the Reveal button under the teacher's pointer
        if (this.question && !this.reveal && JSON.stringify(this.tally) !== before) this.draw();
      } else {
        this.students = (await getClass(this.id)).students;
      }
      this.live.refresh();
    } catch (error) {
      if (this.failed(error)) return;
    }
    this.poll();
  }

  /** The bar's words: the class is live, and how many students follow it. */
  status() {
    return this.students === null ? t("live.teaching") : t("live.teaching_n", { n: formatNumber(this.students, 6) });
  }

  // ---- the end -------------------------------------------------------------------------------------------

  async end() {
    try {
      await endClass(this.id, this.secret);
    } catch (error) {
      if (!(error instanceof ApiError && [404, 410].includes(error.status))) {
        this.failed(error);
        return;
      }
    }
    this.stop();
    this.live.leave("live.ended_teacher");
  }

  stop() {
    for (const what of ["url", "run", "step"]) document.removeEventListener(`gradflow:${what}`, this.onChange);
    clearTimeout(this.timer);
    clearTimeout(this.poller);
    try {
      sessionStorage.removeItem(SECRET(this.id));
    } catch {
      // nothing stored
    }
    this.question = null;
    this.reveal = null;
    this.draw();
  }

  /** A refused request: an ended session ends here too (true); anything else is said in the bar. */
  failed(error) {
    if (error instanceof ApiError && [404, 410].includes(error.status)) {
      this.stop();
      this.live.leave("live.ended");
      return true;
    }
    this.live.say(t("live.error", { message: error.message }));
    return false;
  }
}
