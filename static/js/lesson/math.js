// Equations as MathML, built with DOM calls from a small TeX-like notation, so the lesson's equations are data
// (strings in scenes.js and in the language files) and the browser renders them natively: no script library,
// no download, no innerHTML.
//
// The notation: single letters become <mi>, digits <mn>, `+ - = ( ) [ ] , / | <` <mo>; `x_t`, `x_{t-1}`, `x^2`,
// `h_{t+1}^2` scripts; `{…}` groups; `\hat{y}`, `\frac{a}{b}`, `\text{…}`, `\mathrm{…}` and the commands in
// SYMBOLS and FUNCTIONS below. Anything else is shown as it is, never dropped.

const NS = "http://www.w3.org/1998/Math/MathML";

// Commands that stand for one symbol: [MathML element, text].
const SYMBOLS = {
  partial: ["mi", "∂"],
  sigma: ["mi", "σ"],
  rho: ["mi", "ρ"],
  gamma: ["mi", "γ"],
  eta: ["mi", "η"],
  theta: ["mi", "θ"],
  odot: ["mo", "⊙"],
  cdot: ["mo", "·"],
  times: ["mo", "×"],
  le: ["mo", "≤"],
  ge: ["mo", "≥"],
  approx: ["mo", "≈"],
  leftarrow: ["mo", "←"],
  rightarrow: ["mo", "→"],
  Rightarrow: ["mo", "⇒"],
  ldots: ["mo", "…"],
  cdots: ["mo", "⋯"],
  sum: ["mo", "∑"],
  lVert: ["mo", "‖"],
  rVert: ["mo", "‖"],
  top: ["mi", "⊤"],
  coloneq: ["mo", "≔"],
};
// Commands that name a function, set upright.
const FUNCTIONS = new Set(["tanh", "softmax", "diag", "max", "log", "exp"]);
const OPERATORS = new Set([..."+-=()[],./|<>:;!"]);
const SPACES = { ",": "0.17em", ";": "0.28em", quad: "1em", qquad: "2em" };

function node(tag, children = [], attrs = {}) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

function leaf(tag, text, attrs = {}) {
  return node(tag, [document.createTextNode(text)], attrs);
}

/** One group as a single MathML node (an <mrow> when it holds several). */
function single(nodes) {
  return nodes.length === 1 ? nodes[0] : node("mrow", nodes);
}

class Parser {
  constructor(source) {
    this.s = source;
    this.i = 0;
  }

  peek() {
    return this.s[this.i];
  }

  /** Nodes up to the end, or up to the `}` closing the current group (consumed). */
  sequence() {
    const out = [];
    while (this.i < this.s.length) {
      const c = this.peek();
      if (c === "}") {
        this.i += 1;
        break;
      }
      if (c === "_" || c === "^") {
        this.i += 1;
        const script = this.argument();
        const base = out.pop() ?? leaf("mrow", "");
        out.push(this.attach(base, c, script));
        continue;
      }
      const atom = this.atom();
      if (atom) out.push(atom);
    }
    return out;
  }

  /** x_a^b written in either order becomes one <msubsup>. */
  attach(base, kind, script) {
    if (base.localName === "msub" && kind === "^") return node("msubsup", [...base.childNodes, script]);
    if (base.localName === "msup" && kind === "_") {
      const [b, sup] = base.childNodes;
      return node("msubsup", [b, script, sup]);
    }
    return node(kind === "_" ? "msub" : "msup", [base, script]);
  }

  /** A script or a command's argument: a {group}, or the next single token. */
  argument() {
    this.skipSpaces();
    if (this.peek() === "{") {
      this.i += 1;
      return single(this.sequence());
    }
    return this.atom() ?? leaf("mrow", "");
  }

  /** The raw text of a {group} (for \text and \mathrm). */
  rawArgument() {
    this.skipSpaces();
    if (this.peek() !== "{") return "";
    const end = this.s.indexOf("}", this.i);
    const text = this.s.slice(this.i + 1, end < 0 ? undefined : end);
    this.i = end < 0 ? this.s.length : end + 1;
    return text;
  }

  skipSpaces() {
    while (this.peek() === " ") this.i += 1;
  }

  atom() {
    const c = this.peek();
    if (c === " ") {
      this.i += 1;
      return null;
    }
    if (c === "{") {
      this.i += 1;
      return single(this.sequence());
    }
    if (c === "\\") return this.command();
    if (/[0-9]/.test(c)) {
      const number = /^[0-9]+(\.[0-9]+)?/.exec(this.s.slice(this.i))[0];
      this.i += number.length;
      return leaf("mn", number);
    }
    this.i += 1;
    if (c === "-") return leaf("mo", "−");
    if (c === "'") return leaf("mo", "′");
    if (OPERATORS.has(c)) return leaf("mo", c);
    return leaf("mi", c);
  }

  command() {
    const name = /^\\([A-Za-z]+|.)/.exec(this.s.slice(this.i))[1];
    this.i += name.length + 1;
    if (SPACES[name]) return node("mspace", [], { width: SPACES[name] });
    if (SYMBOLS[name]) {
      const [tag, text] = SYMBOLS[name];
      return leaf(tag, text, name === "sum" ? { largeop: "true" } : {});
    }
    if (FUNCTIONS.has(name)) return leaf("mi", name);
    if (name === "hat") return node("mover", [this.argument(), leaf("mo", "^")], { accent: "true" });
    if (name === "frac") return node("mfrac", [this.argument(), this.argument()]);
    if (name === "text") return leaf("mtext", this.rawArgument());
    if (name === "mathrm") return leaf("mi", this.rawArgument(), { mathvariant: "normal" });
    return leaf("mtext", `\\${name}`);
  }
}

/** A <math> element for `source`; `display` "block" for an equation on its own line, "inline" inside text. */
export function math(source, display = "block") {
  return node("math", [single(new Parser(source).sequence())], { display });
}

/**
 * Text with inline equations between dollar signs ("the state $h_{t-1}$ and …") as a list of nodes for an
 * element: text nodes for the words, inline <math> for the equations.
 */
export function richText(text) {
  return text.split("$").map((part, i) => (i % 2 ? math(part, "inline") : document.createTextNode(part)));
}
