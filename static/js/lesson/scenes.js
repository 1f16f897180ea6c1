// The lesson as data: one scene per idea of the lecture (../shared/seed/rnn-lecture-ko.txt), in its order.
//
// id        names the scene's words in the language files: lesson.scene.<id>.title and .text
// preset    the API preset the scene applies to the page (GET /api/presets)
// view      the page chart the scene points at (a card of templates/index.html), or "lesson" for the
//           lesson panel's own figure
// equations the scene's equations in the lecture's notation (W_xh, W_hh, W_hy, h_t, ŷ_t, f_t…), one string
//           per line, written in the notation of lesson/math.js and shown as MathML
// widget    what the scene adds to the panel (lesson/widgets.js): the diagram, live values, an animation…
// gate      for the gate scenes, which LSTM gate
//
// Scene numbers in the URL (`?lesson=4`) count from 1 in this order.

export const SCENES = [
  {
    id: "unrolled",
    preset: "step-t",
    view: "lesson",
    widget: "diagram",
    equations: [String.raw`h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t)`, String.raw`\hat{y}_t = \mathrm{softmax}(W_{hy} h_t)`],
  },
  {
    id: "step",
    preset: "step-t",
    view: "hidden",
    widget: "values",
    equations: [String.raw`h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t)`, String.raw`\hat{y}_t = \mathrm{softmax}(W_{hy} h_t)`],
  },
  {
    id: "error",
    preset: "per-step-error",
    view: "lesson",
    widget: "steploss",
    equations: [String.raw`E_t = \frac{1}{K} \sum_{k} {(y_{t,k} - \hat{y}_{t,k})}^2`, String.raw`L = \sum_{t=1}^{T} E_t`],
  },
  {
    id: "bptt",
    preset: "bptt",
    view: "lesson",
    widget: "bptt",
    equations: [
      String.raw`\frac{\partial L}{\partial h_t} = \frac{\partial E_t}{\partial h_t} + W_{hh}^{\top} ((1 - h_{t+1}^2) \odot \frac{\partial L}{\partial h_{t+1}})`,
    ],
  },
  {
    id: "vanishing",
    preset: "spectral-radius-bound",
    view: "flow",
    widget: "radius",
    equations: [
      String.raw`\lVert \frac{\partial h_T}{\partial h_t} \rVert \le {(\gamma \, \sigma_{\max}(W_{hh}))}^{T-t}`,
      String.raw`\gamma = \max |\tanh'| = 1`,
    ],
  },
  {
    id: "truncated",
    preset: "truncated-bptt-cut",
    view: "lesson",
    widget: "truncate",
    equations: [String.raw`\frac{\partial h_t}{\partial h_{t-1}} \coloneq 0, \quad t = k+1, 2k+1, \ldots`],
  },
  {
    id: "forget",
    preset: "lstm-gates",
    view: "gates",
    widget: "gate",
    gate: "f",
    equations: [String.raw`f_t = \sigma(W_f [h_{t-1}, x_t] + b_f)`, String.raw`c_t = f_t \odot c_{t-1} + \cdots`],
  },
  {
    id: "input",
    preset: "lstm-gates",
    view: "gates",
    widget: "gate",
    gate: "i",
    equations: [
      String.raw`i_t = \sigma(W_i [h_{t-1}, x_t] + b_i)`,
      String.raw`g_t = \tanh(W_g [h_{t-1}, x_t] + b_g)`,
      String.raw`c_t = f_t \odot c_{t-1} + i_t \odot g_t`,
    ],
  },
  {
    id: "output",
    preset: "lstm-gates",
    view: "gates",
    widget: "gate",
    gate: "o",
    equations: [String.raw`o_t = \sigma(W_o [h_{t-1}, x_t] + b_o)`, String.raw`h_t = o_t \odot \tanh(c_t)`],
  },
  {
    id: "rnn-vs-lstm",
    preset: "lstm-learns",
    view: "flow",
    widget: "compare",
    equations: [
      String.raw`\text{RNN:} \quad \frac{\partial h_t}{\partial h_{t-1}} = \mathrm{diag}(1 - h_t^2) \, W_{hh}`,
      String.raw`\text{LSTM:} \quad \frac{\partial c_t}{\partial c_{t-1}} = \mathrm{diag}(f_t) + \cdots`,
    ],
  },
  {
    id: "training",
    preset: "lstm-learns",
    view: "curves",
    widget: "train",
    equations: [String.raw`W \leftarrow W - \eta \, \frac{\partial L}{\partial W}`],
  },
];

/** The scene number (1-based) a URL value asks for, within 1…SCENES.length; null when it names none. */
export function sceneNumber(value) {
  const n = Number(value);
  if (value === null || value === undefined || value === "" || !Number.isFinite(n)) return null;
  return Math.min(Math.max(Math.round(n), 1), SCENES.length);
}
