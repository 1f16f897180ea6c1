// Building the lesson's elements with DOM calls (never innerHTML, never style attributes: the page's
// Content-Security-Policy allows neither inline scripts nor, eventually, inline styles).

/** An element with attributes (`text` sets its text, `class` its classes; false/null skip) and children. */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A button that runs `onClick`; a click with the mouse hands focus back to `home` (so that the space bar
 *  then plays the animation instead of pressing the button again). */
export function button(text, onClick, { home = null, ...attrs } = {}) {
  const node = el("button", { type: "button", class: "btn", ...attrs, text });
  node.addEventListener("click", (event) => {
    onClick(event);
    if (event.detail > 0 && home) home.focus({ preventScroll: true });
  });
  return node;
}
