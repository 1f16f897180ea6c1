// The unrolled RNN as an SVG diagram, drawn with DOM calls: inputs x_t at the bottom, hidden states h_t in the
// middle, outputs ŷ_t on top, for steps 1, 2, 3, …, T, with the same W_xh, W_hh and W_hy on every step (the
// lecture's figure). Sizes and colours come from CSS classes (static/css/lesson.css), so the projection theme
// can make it heavier without touching this file.

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, children = []) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

/** A label such as h with subscript t−1: the base letter and a lowered, smaller subscript. */
function label(x, y, base, sub, cls) {
  const text = svg("text", { x, y, class: cls, "text-anchor": "middle", "dominant-baseline": "central" });
  text.append(document.createTextNode(base));
  if (sub) {
    const tspan = svg("tspan", { class: "sub", dy: "0.35em" });
    tspan.append(document.createTextNode(sub));
    text.append(tspan);
  }
  return text;
}

function arrow(x1, y1, x2, y2, cls) {
  return svg("line", { x1, y1, x2, y2, class: `arrow ${cls}`, "marker-end": "url(#lesson-arrowhead)" });
}

const ROWS = { out: 46, hidden: 150, in: 254 }; // y of each layer's boxes
const BOX = { w: 64, h: 44 };

/**
 * The diagram. `words` gives the visible words (layer names and the caption) in the page's language:
 * {output, hidden, input, same}. `highlight` (optional) is the index in `steps` drawn emphasised.
 */
export function unrolledDiagram(words, { steps = ["1", "2", "…", "T"], highlight = null } = {}) {
  const left = 156; // the layer names take the left edge
  const gap = 118;
  const width = left + gap * (steps.length + 1) - 30;
  const root = svg("svg", {
    class: "lesson-diagram",
    viewBox: `0 0 ${width} 320`,
    role: "img",
    "aria-label": words.same,
  });
  const marker = svg("marker", {
    id: "lesson-arrowhead",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  });
  marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }));
  root.append(svg("defs", {}, [marker]));

  for (const [row, word] of [
    ["out", words.output],
    ["hidden", words.hidden],
    ["in", words.input],
  ]) {
    // one word a line, centred on the row: the left margin holds "hidden layer" at a projector's type size
    const lines = word.split(" ");
    const text = svg("text", { x: 8, y: ROWS[row], class: "layer-name", "dominant-baseline": "central" });
    lines.forEach((line, i) => {
      const tspan = svg("tspan", { x: 8, dy: i === 0 ? `${-0.55 * (lines.length - 1)}em` : "1.1em" });
      tspan.append(document.createTextNode(line));
      text.append(tspan);
    });
    root.append(text);
  }

  const box = (cx, cy, cls) =>
    svg("rect", { x: cx - BOX.w / 2, y: cy - BOX.h / 2, width: BOX.w, height: BOX.h, rx: 10, class: cls });
  // h_0: the state before the first step (zero).
  const x0 = left + 16;
  root.append(box(x0, ROWS.hidden, "node node-hidden node-start"), label(x0, ROWS.hidden - 4, "h", "0", "node-label"));

  let previousRight = x0 + BOX.w / 2; // where the next W_hh arrow starts
  steps.forEach((step, i) => {
    const cx = left + gap * (i + 1) + 20;
    const entry = step === "…" ? cx - 16 : cx - BOX.w / 2;
    root.append(
      arrow(previousRight, ROWS.hidden, entry - 2, ROWS.hidden, "w-hh"),
      label((previousRight + entry) / 2, ROWS.hidden + 30, "W", "hh", "weight-label w-hh"),
    );
    if (step === "…") {
      const dots = svg("text", { x: cx, y: ROWS.hidden, class: "ellipsis", "text-anchor": "middle", "dominant-baseline": "central" });
      dots.append(document.createTextNode("…"));
      root.append(dots);
      previousRight = cx + 16;
      return;
    }
    const group = svg("g", { class: i === highlight ? "step step-highlight" : "step" });
    group.append(
      box(cx, ROWS.out, "node node-out"),
      label(cx, ROWS.out - 4, "ŷ", step, "node-label"),
      box(cx, ROWS.hidden, "node node-hidden"),
      label(cx, ROWS.hidden - 4, "h", step, "node-label"),
      box(cx, ROWS.in, "node node-in"),
      label(cx, ROWS.in - 4, "x", step, "node-label"),
      arrow(cx, ROWS.in - BOX.h / 2, cx, ROWS.hidden + BOX.h / 2 + 2, "w-xh"),
      label(cx + 30, (ROWS.in + ROWS.hidden) / 2 + 8, "W", "xh", "weight-label w-xh"),
      arrow(cx, ROWS.hidden - BOX.h / 2, cx, ROWS.out + BOX.h / 2 + 2, "w-hy"),
      label(cx + 30, (ROWS.hidden + ROWS.out) / 2, "W", "hy", "weight-label w-hy"),
    );
    root.append(group);
    previousRight = cx + BOX.w / 2;
  });

  const caption = svg("text", { x: width / 2, y: 306, class: "diagram-caption", "text-anchor": "middle" });
  caption.append(document.createTextNode(words.same));
  root.append(caption);
  return root;
}
