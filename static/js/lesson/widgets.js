// What each scene adds to the lesson panel beside its words and equations: the unrolled diagram, the live
// values of one step, the per-step errors, the BPTT animation, a slider against the bound, the truncation
// cuts, one gate, the RNN/LSTM comparison, a training run.
//
// A widget is made from an `env`: {t, fmt, memo, scene, home, ctx(), draw(div, figure), change(key, value),
// moved(), state, run, trainRequest()} (lesson.js) and returns
// {element, update(trace), step?(direction), seek?(position), toggle?(), onRun?(run), leave?()}. `memo` is the scene's own
// memory (the chosen step, the animation's position), kept across redraws and language switches. Every
// number shown is the API's, formatted; the widgets compute no model math.

import { getTrace } from "../api.js";
import { label } from "../icons.js";
import { PLAY_LABEL } from "../train.js";
import { values } from "../charts/common.js";
import { BackwardPlayer } from "./bptt.js";
import { unrolledDiagram } from "./diagram.js";
import { button, el } from "./dom.js";
import { bpttFigure, gateFigure, stepLossFigure, truncationFigure } from "./figures.js";
import { math, richText } from "./math.js";

function figureBox(env) {
  return el("div", { class: "lesson-figure", id: "lesson-figure", role: "img", "aria-label": env.t(`lesson.scene.${env.scene.id}.title`) });
}

/** A labelled slider bound to one parameter of the page's state; `format` shows its value. */
function slider(env, { key, min, max, step, label, format = (v) => env.fmt(v, 3) }) {
  const id = `lesson-${key}`;
  const input = el("input", { type: "range", id, min, max, step, class: "lesson-range" });
  const shown = el("output", { for: id, class: "lesson-range-value" });
  const sync = () => {
    const value = env.state.get(key);
    if (typeof value === "number") {
      if (value > Number(input.max)) input.max = value;
      input.value = value;
    }
    shown.textContent = format(Number(input.value));
  };
  input.addEventListener("input", () => {
    shown.textContent = format(Number(input.value));
    env.change(key, Number(input.value));
  });
  const element = el("div", { class: "lesson-slider" }, [el("label", { for: id }, richText(label)), input, shown]);
  return { element, input, sync };
}

function cellRatio(env, grad) {
  const first = grad?.[0];
  const last = grad?.[grad.length - 1];
  if (!(first > 0 && last > 0)) return { first: env.fmt(first), ratio: "–" };
  return { first: env.fmt(first), ratio: env.fmt(first / last, 2) };
}

// ---- 1. the unrolled RNN ----------------------------------------------------------------------------------

function diagramWidget(env) {
  const words = {
    output: env.t("lesson.diagram.output"),
    hidden: env.t("lesson.diagram.hidden"),
    input: env.t("lesson.diagram.input"),
    same: env.t("lesson.diagram.same"),
  };
  return { element: el("figure", { class: "lesson-diagram-box" }, [unrolledDiagram(words)]), update() {} };
}

// ---- 2. the computation at step t, with the live values of example 0 -------------------------------------

function valuesWidget(env) {
  const input = el("input", { type: "range", id: "lesson-step", min: 1, max: 2, step: 1, class: "lesson-range" });
  const shown = el("output", { for: "lesson-step", class: "lesson-range-value" });
  const table = el("table", { class: "lesson-values" });
  let trace = null;

  const cells = (vector, signed) =>
    (vector || []).map((v, i) => {
      const td = el("td", { class: `v ${signed && v < 0 ? "neg" : "pos"}`, title: `[${i}] ${v}`, text: env.fmt(v, 2) });
      const a = Math.min(Math.abs(Number(v) || 0), 1);
      td.style.setProperty("--a", a.toFixed(3)); // CSSOM, not a style attribute: allowed by the page's CSP
      if (a > 0.55) td.classList.add("strong");
      return td;
    });

  function show() {
    if (!trace) return;
    const t = env.memo.step;
    input.value = t;
    shown.textContent = `t = ${t}`;
    const rnn = trace.cells.rnn;
    const hidden = values(rnn.hidden);
    const target = values(trace.example.targets)?.[t - 1];
    const rows = [
      ["x_t", "lesson.values.x", values(trace.example.inputs)[t - 1], false],
      [t > 1 ? "h_{t-1}" : "h_{t-1} = h_0", "lesson.values.h_prev", t > 1 ? hidden[t - 2] : hidden[0].map(() => 0), true],
      ["h_t", "lesson.values.h", hidden[t - 1], true],
      [String.raw`\hat{y}_t`, "lesson.values.y_hat", values(rnn.outputs)[t - 1], false],
      ["y_t", "lesson.values.y", Array.isArray(target) ? target : [target], false],
      ["E_t", "lesson.values.error", [values(rnn.step_loss)[t - 1]], false],
    ];
    table.replaceChildren(
      ...rows.map(([symbol, word, vector, signed]) =>
        el("tr", {}, [el("th", { scope: "row" }, [math(symbol, "inline"), el("span", { class: "word", text: env.t(word) })]), ...cells(vector, signed)]),
      ),
    );
  }

  input.addEventListener("input", () => {
    env.memo.step = Number(input.value);
    show();
  });
  const element = el("div", { class: "lesson-values-widget" }, [
    el("div", { class: "lesson-slider" }, [el("label", { for: "lesson-step" }, richText(env.t("lesson.values.step"))), input, shown]),
    table,
    el("p", { class: "lesson-note" }, richText(env.t("lesson.values.note"))),
  ]);
  return {
    element,
    update(next) {
      trace = next;
      const T = trace.sizes.T;
      input.max = T;
      env.memo.step = Math.min(Math.max(env.memo.step ?? T, 1), T);
      show();
    },
    step(direction) {
      if (!trace) return;
      env.memo.step = Math.min(Math.max(env.memo.step + direction, 1), trace.sizes.T);
      show();
    },
  };
}

// ---- 3. the error at every step ---------------------------------------------------------------------------

function stepLossWidget(env) {
  const figure = figureBox(env);
  return { element: figure, update: (trace) => env.draw(figure, stepLossFigure(trace, env.ctx())) };
}

// ---- 4. BPTT, step by step --------------------------------------------------------------------------------

function bpttWidget(env) {
  const figure = figureBox(env);
  const status = el("p", { class: "lesson-status", "aria-live": "off" });
  const root = el("div", { class: "lesson-player", "data-playing": "false" });
  let trace = null;
  const frame = (p) => {
    if (env.memo.position !== p.position) env.moved();
    env.memo.position = p.position;
    root.dataset.position = String(p.position);
    root.dataset.playing = String(p.playing);
    label(play, p.playing ? "pause" : "play", env.t(p.playing ? "lesson.bptt.pause" : "lesson.bptt.play"));
    play.setAttribute("aria-pressed", String(p.playing));
    const grad = values(trace?.cells?.rnn?.grad_hidden_norm);
    if (!grad) return;
    env.draw(figure, bpttFigure(trace, p.position, env.ctx()));
    const value = grad[p.position - 1];
    const last = grad[grad.length - 1];
    const ratio = value > 0 && last > 0 ? env.fmt(value / last, 2) : "–";
    status.replaceChildren(...richText(env.t("lesson.bptt.status", { t: p.position, value: env.fmt(value), ratio })));
  };
  const player = new BackwardPlayer(frame);
  const play = button(env.t("lesson.bptt.play"), () => player.toggle(), { home: env.home, id: "lesson-play", class: "btn btn-primary", "aria-pressed": "false" });
  const controls = el("div", { class: "lesson-player-buttons", role: "group", "aria-label": env.t("lesson.bptt.controls") }, [
    button(env.t("lesson.bptt.restart"), () => player.restart(), { home: env.home, id: "lesson-restart" }),
    button(env.t("lesson.bptt.earlier"), () => player.step(-1), { home: env.home, id: "lesson-earlier" }),
    play,
    button(env.t("lesson.bptt.later"), () => player.step(1), { home: env.home, id: "lesson-later" }),
  ]);
  root.append(controls, figure, status);
  return {
    element: root,
    update(next) {
      trace = next;
      const grad = values(trace.cells.rnn?.grad_hidden_norm);
      if (grad) player.load(grad.length, env.memo.position);
    },
    step: (direction) => player.step(direction),
    seek: (position) => player.seek(position),
    toggle: () => player.toggle(),
    leave: () => player.stopTimer(),
  };
}

// ---- 5. vanishing and exploding: the spectral radius against the bound ------------------------------------

function radiusWidget(env) {
  const rho = slider(env, { key: "spectral_radius", min: 0, max: 2.5, step: 0.05, label: env.t("lesson.radius.label"), format: (v) => `ρ = ${env.fmt(v, 3)}` });
  const readout = el("p", { class: "lesson-status" });
  const set = (value) => {
    env.change("spectral_radius", value);
    rho.sync();
  };
  // The scene's buttons (scenes.json): each sets ρ, e.g. 0.9 for "vanishing" and 2 for "exploding".
  const presets = el(
    "div",
    { class: "lesson-player-buttons" },
    env.scene.buttons.map((b) => button(env.t(`lesson.radius.${b.id}`), () => set(b.set.spectral_radius), { home: env.home, id: `lesson-${b.id}` })),
  );
  return {
    element: el("div", { class: "lesson-controls" }, [rho.element, presets, readout]),
    update(trace) {
      rho.sync();
      const rnn = trace.cells.rnn;
      if (!rnn) {
        readout.replaceChildren(env.t("lesson.radius.no_rnn"));
        return;
      }
      readout.replaceChildren(
        ...richText(
          env.t("lesson.radius.readout", {
            rho: env.fmt(rnn.spectral_radius),
            sigma: env.fmt(rnn.sigma_max),
            actual: env.fmt(values(rnn.jacobian_norm)?.[0]),
            bound: env.fmt(values(rnn.jacobian_bound)?.[0]),
          }),
        ),
      );
    },
  };
}

// ---- 6. truncated BPTT: cut every k steps, against full BPTT ----------------------------------------------

function truncateWidget(env) {
  const k = slider(env, { key: "truncate", min: 1, max: 50, step: 1, label: env.t("lesson.truncate.label"), format: (v) => `k = ${v}` });
  const figure = figureBox(env);
  const full = new Map(); // full-BPTT traces by configuration, so that moving k asks for one only once
  let latest = null;
  return {
    element: el("div", { class: "lesson-controls" }, [k.element, figure]),
    async update(trace) {
      latest = trace;
      k.input.max = trace.sizes.T;
      k.sync();
      const request = { ...env.state.request("trace"), ...env.scene.beside[0] }; // full BPTT (scenes.json)
      const key = JSON.stringify(request);
      if (!full.has(key)) full.set(key, trace.config.truncate ? getTrace(request) : Promise.resolve(trace));
      try {
        const whole = await full.get(key);
        if (latest === trace) env.draw(figure, truncationFigure(trace, whole, env.ctx()));
      } catch {
        full.delete(key);
        env.draw(figure, truncationFigure(trace, null, env.ctx()));
      }
    },
  };
}

// ---- the gate scenes: one gate at a time -----------------------------------------------------------------------

function gateWidget(env) {
  const figure = figureBox(env);
  const parts = [figure];
  let bias = null;
  const biases = { f: ["forget_bias", "b_f"], z: ["update_bias", "b_z"] };
  if (biases[env.scene.gate]) {
    const [key, symbol] = biases[env.scene.gate];
    bias = slider(env, { key, min: -2, max: 4, step: 0.25, label: env.t(`lesson.gate.bias.${symbol}`), format: (v) => `${symbol} = ${env.fmt(v, 3)}` });
    parts.unshift(bias.element);
  }
  return {
    element: el("div", { class: "lesson-controls" }, parts),
    update(trace) {
      bias?.sync();
      env.draw(figure, gateFigure(trace, env.scene, env.ctx()));
    },
  };
}

// ---- 10. RNN against LSTM: how far back the gradient reaches ----------------------------------------------

function compareWidget(env) {
  const list = el("ul", { class: "lesson-compare" });
  return {
    element: list,
    update(trace) {
      const items = [];
      for (const [kind, cell] of Object.entries(trace.cells)) {
        const h = cellRatio(env, values(cell.grad_hidden_norm));
        items.push(el("li", { class: `cell-${kind}` }, richText(env.t("lesson.compare.h", { cell: env.t(`cell.${kind}`), ...h }))));
        const c = values(cell.grad_cell_norm);
        if (c) items.push(el("li", { class: `cell-${kind}` }, richText(env.t("lesson.compare.c", { cell: env.t(`cell.${kind}`), ...cellRatio(env, c) }))));
      }
      list.replaceChildren(...items);
    },
  };
}

// ---- 11. a short training run: the LSTM learns, the RNN does not ------------------------------------------

function trainWidget(env) {
  const status = el("ul", { class: "lesson-compare", "aria-live": "off" });
  const toggle = () => env.run.toggle(env.trainRequest());
  const play = button(env.t("train.play"), toggle, { home: env.home, id: "lesson-train", class: "btn btn-primary", "aria-pressed": "false" });
  const reset = button(env.t("train.reset"), () => env.run.reset(), { home: env.home, id: "lesson-train-reset" });
  const onRun = (run) => {
    label(play, run.playing ? "pause" : run.state === "finished" || run.state === "failed" ? "again" : "play", env.t(PLAY_LABEL[run.state]));
    play.setAttribute("aria-pressed", String(run.playing));
    play.dataset.state = run.state;
    const shown = run.visible();
    const last = shown[shown.length - 1];
    if (!last) {
      status.replaceChildren(el("li", { text: env.t("lesson.train.idle") }));
      return;
    }
    const baseline = run.info?.task?.baseline;
    status.replaceChildren(
      el("li", { text: env.t("lesson.train.step", { step: last.step, baseline: env.fmt(baseline) }) }),
      ...Object.entries(last.cells).map(([kind, cell]) =>
        el("li", {
          class: `cell-${kind}`,
          text: env.t(cell.solved ? "lesson.train.solved" : "lesson.train.loss", {
            cell: env.t(`cell.${kind}`),
            loss: env.fmt(cell.test_loss),
            step: cell.solved_at ?? last.step,
          }),
        }),
      ),
    );
  };
  return {
    element: el("div", { class: "lesson-controls" }, [el("div", { class: "lesson-player-buttons" }, [play, reset]), status]),
    update: () => onRun(env.run),
    toggle,
    onRun,
  };
}

export const WIDGETS = {
  diagram: diagramWidget,
  values: valuesWidget,
  steploss: stepLossWidget,
  bptt: bpttWidget,
  radius: radiusWidget,
  truncate: truncateWidget,
  gate: gateWidget,
  compare: compareWidget,
  train: trainWidget,
};
