// Icons drawn as inline SVG, so they render the same on every machine (a font glyph such as ⏸ is an empty box
// where the font lacks it). Each is a 24-unit square in the text's colour, sized to the text beside it.

const NS = "http://www.w3.org/2000/svg";

const PATHS = {
  play: "M7 4.5v15l12.5-7.5z",
  pause: "M6 4.5h4.5v15H6zM13.5 4.5H18v15h-4.5z",
  previous: "M17 4.5v15L4.5 12z",
  next: "M7 4.5v15L19.5 12z",
  again: "M12 4.5a7.5 7.5 0 1 0 7.3 9.2h-2.6A5 5 0 1 1 12 7v3l4.5-4.3L12 1.5z",
};

/** An <svg> icon named `name` (a key of PATHS), hidden from screen readers: the button's words say it. */
export function icon(name) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", `icon icon-${name}`);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", PATHS[name]);
  svg.append(path);
  return svg;
}

/** Set a button's contents to an icon and its words. */
export function label(button, name, text) {
  button.replaceChildren(icon(name), document.createTextNode(text));
}
