// The live class (docs/api.md, "Live class"): a teacher's page drives what every student's page shows, and
// asks the class questions. This module wires it into the page; the two sides are live/teacher.js and
// live/student.js, the view they share live/view.js, a question on screen live/question.js.
//
// The page's state `class` (the URL's `?class=<id>`) names the session. A page that holds the session's
// teacher secret (this tab's sessionStorage) teaches it; any other page with `?class=<id>` follows it. The
// secret reaches a page in two ways: the share panel's "Start live class" (POST /api/class), or the one-time
// fragment `#teach=<secret>` of `gradflow serve --class`, which is moved to sessionStorage and taken out of
// the address bar at once (a fragment is never sent to a server, but it stays in the history and a copied
// link). The static export has no server: it hides every live element (app/export/page.py).

import { ApiError } from "./api.js";
import { t } from "./i18n.js";
import { Student } from "./live/student.js";
import { Teacher, questionBody, storedSecret } from "./live/teacher.js";

const $ = (id) => document.getElementById(id);
const CHOICES = 4;

/** The secret in a `#teach=<secret>` fragment, taken out of the address bar; null when there is none. */
function takeFragmentSecret() {
  const match = /^#teach=([A-Za-z0-9_-]{16,200})$/.exec(location.hash);
  if (!location.hash.startsWith("#teach=")) return null;
  history.replaceState(null, "", location.pathname + location.search);
  return match ? match[1] : null;
}

class Live {
  /** host: main.js's handlers (classroom.js); lesson: the Lesson; share: the share panel. */
  constructor(host, lesson, share) {
    Object.assign(this, { host, lesson, share, run: host.run });
    this.box = $("live-question");
    this.role = null; // a Teacher or a Student
    this.notice = ""; // what the bar says once the class is over (or could not be joined)
    this.message = ""; // a refused request, said in the bar
    // the bar sticks to the top of the window: what scrolls to the top stops under it (live.css)
    const bar = $("live-bar");
    if (bar) new ResizeObserver(() => document.documentElement.style.setProperty("--live-bar-height", `${bar.offsetHeight}px`)).observe(bar);
    // a revealed question stays above the scene: a projected scene is that much (and the grid's gap) shorter
    if (this.box) {
      new ResizeObserver(() => {
        const gap = this.box.hidden ? 0 : parseFloat(getComputedStyle(this.box.parentElement).rowGap) || 0;
        const height = this.box.hidden ? 0 : this.box.offsetHeight + gap;
        document.documentElement.style.setProperty("--live-question-height", `${height}px`);
      }).observe(this.box);
    }
    this.wire();
  }

  get state() {
    return this.host.page.state;
  }

  /** A student following the teacher: the page is the teacher's, its controls are put away. */
  get following() {
    return this.role instanceof Student && this.role.following;
  }

  /** Keys are the teacher's while following, and the form's while it is open. */
  get blocksKeys() {
    return this.following || Boolean($("live-form")?.open);
  }

  wire() {
    $("live-start")?.addEventListener("click", () => this.startTeaching());
    $("live-detach")?.addEventListener("click", () => this.role?.detach());
    $("live-rejoin")?.addEventListener("click", () => this.role?.rejoin());
    $("live-ask")?.addEventListener("click", () => this.role?.askScene());
    $("live-quick")?.addEventListener("click", () => this.openForm());
    $("live-end")?.addEventListener("click", () => this.role?.end());
    $("live-dismiss")?.addEventListener("click", () => {
      this.notice = "";
      this.message = "";
      this.refresh();
    });
    $("live-form")?.addEventListener("submit", (event) => this.submitForm(event));
    $("live-form-cancel")?.addEventListener("click", () => $("live-form").close());
    document.addEventListener("gradflow:language", () => {
      this.role?.draw();
      this.refresh();
    });
  }

  /** On page load: teach or follow the class the URL names, if any. */
  begin() {
    const id = this.state.get("class");
    const secret = takeFragmentSecret();
    if (!id) return this.refresh();
    const held = secret ?? storedSecret(id); // the Teacher keeps it in sessionStorage
    if (held) {
      this.role = new Teacher(this, id, held);
      this.role.begin();
    } else {
      this.role = new Student(this, id);
      this.role.begin();
    }
    this.refresh();
  }

  /** The share panel's "Start live class": a new session that this page teaches, its link in the QR code. */
  async startTeaching() {
    if (this.role) return;
    const status = $("live-start-status");
    status.textContent = t("live.starting");
    try {
      const teacher = await Teacher.start(this);
      this.role = teacher;
      this.notice = "";
      this.state.set("class", teacher.id);
      this.host.writeURL();
      teacher.begin();
      status.textContent = t("live.started");
      this.share.refresh();
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : t("live.error", { message: error.message });
    }
    this.refresh();
  }

  /** The class is over for this page (`key`: why, in the language files); the page is the user's own again. */
  leave(key) {
    this.role = null;
    this.notice = t(key);
    this.state.set("class", null);
    this.host.writeURL();
    this.share.refresh();
    this.refresh();
  }

  say(text) {
    this.message = text;
    this.refresh();
  }

  // ---- the teacher's own question -------------------------------------------------------------------------

  openForm() {
    const form = $("live-form");
    $("live-form-error").textContent = "";
    if (!form.open) form.showModal();
    $("live-form-text").focus();
  }

  async submitForm(event) {
    event.preventDefault();
    const choices = Array.from({ length: CHOICES }, (_, i) => $(`live-form-choice-${i}`).value);
    const marked = document.querySelector("input[name='live-correct']:checked");
    const { body, error } = questionBody($("live-form-text").value, choices, marked ? Number(marked.value) : -1);
    if (error) {
      $("live-form-error").textContent = t(error);
      return;
    }
    if (await this.role?.ask(body)) {
      $("live-form").close();
      $("live-form-body").reset();
    }
  }

  // ---- the bar ------------------------------------------------------------------------------------------------

  refresh() {
    const role = this.role;
    const teacher = role instanceof Teacher;
    const student = role instanceof Student;
    const body = document.body.classList;
    body.toggle("live-on", Boolean(role));
    body.toggle("live-teacher", teacher);
    body.toggle("live-following", this.following);
    if (!role) body.remove("live-asking");
    const bar = $("live-bar");
    if (!bar) return;
    bar.hidden = !role && !this.notice;
    bar.dataset.role = teacher ? "teacher" : student ? "student" : "none";
    bar.dataset.following = String(this.following);
    $("live-status").textContent = role ? role.status() : this.notice;
    $("live-message").textContent = this.message;
    $("live-detach").hidden = !this.following;
    $("live-rejoin").hidden = !(student && !this.following);
    $("live-ask").hidden = !(teacher && this.lesson.scene?.question && !document.body.classList.contains("live-asking"));
    $("live-quick").hidden = !teacher;
    $("live-end").hidden = !teacher;
    $("live-dismiss").hidden = Boolean(role) && !this.message;
    const start = $("live-start");
    if (start) start.hidden = Boolean(role);
  }
}

/** Wire the live class into the page; the class in the URL, if any, is taught or followed at once. */
export function startLive(host, lesson, share) {
  const live = new Live(host, lesson, share);
  live.begin();
  return live;
}
