// A live-class question on screen (#live-question): its words, and its choices as large buttons (a student,
// while it is open), or as a count and a bar each (the teacher's tally while it is open, and everyone's
// after the reveal, with the correct choice marked and the student's own). Built with DOM calls; the bars'
// lengths are custom properties set through the CSSOM (no style attribute: the page's CSP).
//
// A lesson scene's question carries no words: they are the language files' (lesson.scene.<id>.question and
// .choice.<choice id>), so each student reads it in their own language; a teacher's own question carries
// the teacher's words.

import { formatNumber, t } from "../i18n.js";
import { button, el } from "../lesson/dom.js";

/** The question's sentence in the page's language. */
export function questionText(question) {
  return question.scene ? t(`lesson.scene.${question.scene}.question`) : question.text;
}

/** A choice's words in the page's language. */
export function choiceText(question, choice) {
  return question.scene ? t(`lesson.scene.${question.scene}.choice.${choice.id}`) : choice.text;
}

/**
 * Fill `box` with the question. `shown`: {question, tally|null, answers, students|null, reveal|null,
 * mine|null (the student's choice id), status (a sentence under the choices), vote?(choiceId) (a student
 * while it is open), actions: [{id, text, onClick, primary}]}.
 */
export function drawQuestion(box, shown) {
  const { question, reveal, mine } = shown;
  const tally = reveal?.tally ?? shown.tally;
  const answers = reveal?.answers ?? shown.answers ?? 0;
  const most = Math.max(1, ...Object.values(tally || {}));
  const voting = Boolean(shown.vote) && !reveal;
  const items = question.choices.map((choice, i) => {
    const words = choiceText(question, choice);
    const letter = String.fromCharCode(65 + i); // A, B, C, D: what a teacher reads out
    const correct = reveal?.correct === choice.id;
    const item = el("li", {
      class: "live-choice",
      "data-choice": choice.id,
      "data-correct": correct ? "true" : null,
      "data-mine": mine === choice.id ? "true" : null,
    });
    if (voting) {
      const pick = button("", () => shown.vote(choice.id), { class: "btn live-choice-btn", "aria-pressed": String(mine === choice.id), disabled: Boolean(mine) });
      pick.replaceChildren(el("span", { class: "live-letter", text: letter }), el("span", { class: "live-choice-words", text: words }));
      item.append(pick);
      return item;
    }
    const count = tally?.[choice.id] ?? 0;
    const fill = el("span", { class: "live-fill" });
    fill.style.setProperty("--share", String(count / most));
    const marks = [];
    if (correct) marks.push(el("span", { class: "live-mark live-mark-correct", text: t("live.correct") }));
    if (mine === choice.id) marks.push(el("span", { class: "live-mark live-mark-mine", text: t("live.your_answer") }));
    item.append(
      el("span", { class: "live-choice-head" }, [el("span", { class: "live-letter", text: letter }), el("span", { class: "live-choice-words", text: words }), ...marks]),
      el("span", { class: "live-choice-tally" }, [
        el("span", { class: "live-track", "aria-hidden": "true" }, [fill]),
        el("output", { class: "live-count", text: tally ? formatNumber(count, 6) : "" }),
      ]),
    );
    return item;
  });
  // answers from devices that have left (or never followed) can outnumber the students following now
  const answered = tally
    ? shown.students === null || shown.students === undefined || shown.students < answers
      ? t("live.answers", { n: formatNumber(answers, 6) })
      : t("live.answers_of", { n: formatNumber(answers, 6), students: formatNumber(shown.students, 6) })
    : "";
  box.replaceChildren(
    el("h2", { class: "live-q-text", id: "live-question-text", text: questionText(question) }),
    el("ol", { class: "live-choices", "data-voting": voting ? "true" : "false" }, items),
    el("p", { class: "live-q-status", role: "status", text: [answered, shown.status].filter(Boolean).join(" · ") }),
    el(
      "div",
      { class: "live-q-actions" },
      (shown.actions || []).map((a) => button(a.text, a.onClick, { id: a.id, class: a.primary ? "btn btn-primary" : "btn" })),
    ),
  );
  box.dataset.qid = question.qid;
  box.dataset.state = reveal ? "revealed" : "open";
  box.setAttribute("aria-labelledby", "live-question-text");
  box.hidden = false;
}

/** No question on screen. */
export function hideQuestion(box) {
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.qid;
  delete box.dataset.state;
}
