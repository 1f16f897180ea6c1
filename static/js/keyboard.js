// Keyboard control for the lecture hall (and a presenter's clicker, which sends Page Up / Page Down):
//
//   Space                 play / pause: the BPTT animation, or training
//   ← / →                 one step back / forward along t (step t, the BPTT animation); in a scene without
//                         steps, the previous / next scene; outside the lesson, → is one training snapshot
//   Page Up / Page Down,
//   [ / ]                 previous / next scene (opens the lesson when it is closed)
//   P                     projection mode on / off (full screen)
//   L                     the lesson on / off
//   ?                     this list, on screen
//   Esc                   close the list or the share panel
//
// Keys typed into a form control are the control's; Space and Enter on a focused button press the button.
// The help overlay (templates/index.html, #keys-help) says the same in the page's language.

const FORM = new Set(["INPUT", "SELECT", "TEXTAREA"]);
const PRESSABLE = new Set(["BUTTON", "A", "SUMMARY"]);

/** The action a key event asks for (null when the key is not ours here). Exported for the tests' sake too. */
export function actionOf(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  const target = event.target;
  if (event.key === "Escape") return "escape";
  if (FORM.has(target?.tagName) || target?.isContentEditable) return null;
  if ((event.key === " " || event.key === "Enter") && PRESSABLE.has(target?.tagName)) return null;
  switch (event.key) {
    case " ":
      return "play";
    case "ArrowLeft":
      return "earlier";
    case "ArrowRight":
      return "later";
    case "PageUp":
    case "[":
      return "previous";
    case "PageDown":
    case "]":
      return "next";
    case "p":
    case "P":
      return "projection";
    case "l":
    case "L":
      return "lesson";
    case "?":
      return "help";
    default:
      return null;
  }
}

/** Call actions[name]() for each key that asks for one; `blocked()` true (a modal is open) lets only Esc by. */
export function listenKeys(actions, blocked = () => false) {
  document.addEventListener("keydown", (event) => {
    const action = actionOf(event);
    if (!action || !actions[action]) return;
    if (action !== "escape" && blocked()) return;
    const handled = actions[action]();
    if (handled !== false) event.preventDefault();
  });
}
