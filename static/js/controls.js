// The controls, built from the API's meta endpoint: one per parameter of the state table, its kind from the
// parameter's type (checkboxes for the cells, a select for choices, a slider with a number box for numbers),
// its range, default and tooltip from the meta and the language file. A value the server refuses is shown
// with the server's own sentence right under its control.
//
// Controls never hold state: they read the State and report changes through `onChange(key, value, live)`
// (`live` while a slider is dragged). Number boxes are not clamped, so a value out of bounds reaches the
// server and its message is shown.

import { formatNumber, t } from "./i18n.js";
import { fillQuantities } from "./claims.js";
import { el } from "./lesson/dom.js";

// Where each parameter goes and in which order; anything the meta adds later lands in "advanced".
const GROUPS = [
  { id: "model", keys: ["cells", "task", "sentence", "T", "V", "S", "delay", "period", "noise", "L", "H", "spectral_radius", "activation", "forget_bias", "update_bias", "truncate", "trained_steps", "seed"] },
  { id: "training", keys: ["optimizer", "lr", "clip", "steps", "seconds"] },
  { id: "advanced", collapsed: true, keys: [] },
];
// Parameters without a control: include_weights only changes the payload (the page needs no weights);
// weights and input name uploads (a network, your own numbers), set by an upload rather than typed.
const HIDDEN = new Set(["include_weights", "weights", "input"]);
// Parameters that only one task reads: shown while that task is chosen.
const ONLY_FOR_TASK = { sentence: "text" };

/** A step for a linear slider over [lo, hi]: 1, 2 or 5 times a power of ten, about 400 steps. */
function sliderStep(lo, hi) {
  const raw = (hi - lo) / 400;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
}

// Bounds that depend on another parameter, as the server checks them (app/web/schemas.py): the traced
// example is one of the batch's, a latch task shows its class for at most T steps.
const BOUNDED_BY = {
  example: { key: "batch", offset: -1 },
  L: { key: "T", offset: 0 },
};

// Parameters whose slider is a ladder of values: fine steps where the behaviour changes, coarser ones
// elsewhere. The spectral radius: 0.01 apart between 0.5 and 1.5 (vanishing below 1, exploding above),
// 0.05 apart up to 3, then 0.5 apart up to the API's maximum; keyboard arrows move one rung.
const FINE = {
  spectral_radius: [
    [0.05, 0.5],
    [0.01, 1.5],
    [0.05, 3],
    [0.5, Infinity],
  ],
};

/** The values of a ladder over [lo, hi]: `rungs` = [[step, up to], …], each rung rounded to its step. */
function ladder(lo, hi, rungs) {
  const values = [lo];
  for (const [step, upTo] of rungs) {
    const end = Math.min(upTo, hi);
    let v = Math.ceil((values[values.length - 1] + step / 2) / step) * step;
    for (; v <= end + 1e-9; v += step) values.push(Number(v.toFixed(6)));
  }
  if (values[values.length - 1] < hi) values.push(hi);
  return values;
}

/** The position on a slider of the value nearest to `v` in the sorted `values`. */
function nearest(values, v) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - v) < Math.abs(values[best] - v)) best = i;
  return best;
}

/**
 * How a slider maps its positions to the values of parameter `name` over [lo, hi]: {min, max, step,
 * toSlider(value), fromSlider(position)}. Every position gives a value within [lo, hi].
 */
export function sliderScale(name, lo, hi, integer) {
  if (FINE[name] && !integer) {
    const values = ladder(lo, hi, FINE[name]);
    return { min: 0, max: values.length - 1, step: 1, toSlider: (v) => nearest(values, v), fromSlider: (p) => values[Math.round(p)] };
  }
  if (!integer && lo > 0 && hi / lo >= 1000) {
    const clamp = (v) => Math.min(Math.max(v, lo), hi);
    return {
      min: Math.log10(lo),
      max: Math.log10(hi),
      step: 0.01,
      toSlider: (v) => Math.log10(clamp(v)),
      fromSlider: (p) => clamp(Number((10 ** p).toPrecision(3))),
    };
  }
  if (integer) return { min: lo, max: hi, step: 1, toSlider: (v) => v, fromSlider: (p) => Math.round(p) };
  // positions 0…n a step apart, the last one the maximum itself even when the range is not a whole number
  // of steps (momentum's 0.999)
  const step = sliderStep(lo, hi);
  const n = Math.ceil((hi - lo) / step - 1e-9);
  return {
    min: 0,
    max: n,
    step: 1,
    toSlider: (v) => Math.round((Math.min(Math.max(v, lo), hi) - lo) / step),
    fromSlider: (p) => (Math.round(p) >= n ? hi : Number((lo + Math.round(p) * step).toPrecision(6))),
  };
}

/** Text typed in a number box: a number when it is one, else the text itself (the server names the problem). */
function typed(input) {
  const raw = input.value.trim();
  if (raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

export class Controls {
  /**
   * root: the element the controls go in; meta: GET /api/meta; state: the State; lang: "en" | "ko";
   * onChange(key, value, live): a control moved; onPreset(name): a preset was chosen.
   */
  constructor(root, { meta, state, onChange, onPreset, payloads = () => ({ trace: null }) }) {
    this.root = root;
    this.meta = meta;
    this.state = state;
    this.onChange = onChange;
    this.onPreset = onPreset;
    this.payloads = payloads; // the computed answers for the state shown, for the numbers a preset's words quote
    this.taskParams = new Set(Object.values(meta.tasks).flatMap((task) => Object.keys(task.params || {})));
    this.fields = new Map(); // key → {wrap, sync(), error}
  }

  /** (Re)build every control in the current language and show the state's values. */
  build(lang) {
    this.lang = lang;
    this.fields.clear();
    const body = el("div", { class: "controls-body" });
    body.append(this.presetField());
    const rows = Object.values(this.state.table).filter((row) => row.endpoints.length && !HIDDEN.has(row.key));
    const placed = new Set(GROUPS.flatMap((g) => g.keys));
    for (const group of GROUPS) {
      const keys = group.keys.length ? group.keys : rows.map((r) => r.key).filter((k) => !placed.has(k));
      const fieldset = el("fieldset", {}, [el("legend", { text: t(`controls.group.${group.id}`) })]);
      for (const key of keys) {
        const row = this.state.table[key];
        if (row && !HIDDEN.has(key)) fieldset.append(this.field(row));
      }
      if (group.collapsed) {
        const details = el("details", { class: "advanced" }, [el("summary", { text: t(`controls.group.${group.id}`) })]);
        fieldset.querySelector("legend").classList.add("visually-hidden");
        details.append(fieldset);
        body.append(details);
      } else {
        body.append(fieldset);
      }
    }
    this.root.replaceChildren(body);
    this.root.removeAttribute("aria-busy");
    this.sync();
  }

  presetField() {
    const select = el("select", { id: "ctl-preset", "aria-describedby": "help-preset" });
    select.append(el("option", { value: "", text: t("controls.preset_custom") }));
    for (const preset of this.meta.presets) {
      const title = preset.title?.[this.lang] || preset.title?.en || preset.name;
      select.append(el("option", { value: preset.name, text: title }));
    }
    select.addEventListener("change", () => this.onPreset(select.value || null));
    const help = el("p", { id: "help-preset", class: "preset-description", "aria-live": "polite" });
    const wrap = el("div", { class: "field", "data-key": "preset" }, [
      el("label", { class: "field-label", for: "ctl-preset", text: t("controls.preset") }),
      select,
      help,
    ]);
    this.fields.set("preset", {
      wrap,
      sync: () => {
        select.value = this.state.get("preset") || "";
        const preset = this.meta.presets.find((p) => p.name === select.value);
        const words = preset ? preset.description?.[this.lang] || preset.description?.en || "" : "";
        help.textContent = preset ? fillQuantities(words, preset, this.payloads(), (v) => formatNumber(v, 3)) : t("controls.preset_help");
      },
    });
    return wrap;
  }

  /** The tooltip: what the parameter does, then its range and default from the meta. */
  help(row, spec) {
    const parts = [t(`param.${row.key}.help`)];
    if (spec.minimum !== undefined && spec.maximum !== undefined) {
      parts.push(t("controls.range", { min: formatNumber(spec.minimum, 4), max: formatNumber(spec.maximum, 4) }));
    }
    const shown = this.defaultOf(row);
    if (typeof shown === "number" || typeof shown === "string") {
      parts.push(t("controls.default", { value: typeof shown === "number" ? formatNumber(shown, 4) : this.optionLabel(row, shown) }));
    }
    return parts.join(" ");
  }

  /**
   * The chosen task's own spec for a task parameter (its default), with bounds that both the task and the
   * request's field accept (the task may allow T up to 1000 where /api/trace stops at 500); else the row.
   */
  specOf(row) {
    const task = this.meta.tasks[this.state.get("task")];
    const own = this.taskParams.has(row.name) && task?.params?.[row.name];
    const pick = (a, b, f) => (a === undefined ? b : b === undefined ? a : f(a, b));
    const spec = own ? { ...own, minimum: pick(own.minimum, row.minimum, Math.max), maximum: pick(own.maximum, row.maximum, Math.min) } : row;
    const bound = BOUNDED_BY[row.name];
    if (!bound) return spec;
    const other = this.state.table[bound.key];
    const limit = (this.state.get(bound.key) ?? this.specOf(other).default ?? other?.maximum) + bound.offset;
    return Number.isFinite(limit) ? { ...spec, maximum: Math.min(spec.maximum ?? limit, limit) } : spec;
  }

  defaultOf(row) {
    return this.taskParams.has(row.name) ? this.specOf(row).default ?? null : row.default;
  }

  optionLabel(row, value) {
    if (value === null) return t("controls.task_default");
    return row.name === "task" ? t(`task.${value}`) : t(`enum.${row.name}.${value}`);
  }

  field(row) {
    const id = `ctl-${row.key}`;
    const error = el("p", { class: "field-error", id: `err-${row.key}`, role: "alert" });
    const helpId = `help-${row.key}`;
    const described = `${helpId} err-${row.key}`;
    const wrap = el("div", { class: "field", "data-key": row.key });
    const label = t(`param.${row.key}.label`);
    let sync;
    if (row.type === "array") {
      const group = el("div", { class: "checks", role: "group", "aria-label": label, "aria-describedby": described });
      const boxes = (row.items?.enum || []).map((kind) => {
        const box = el("input", { type: "checkbox", id: `${id}-${kind}`, value: kind });
        box.addEventListener("change", () => {
          const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
          this.onChange(row.key, chosen, false);
        });
        group.append(el("label", { for: box.id }, [box, el("span", { class: `swatch swatch-${kind}`, "aria-hidden": "true" }), document.createTextNode(t(`cell.${kind}`))]));
        return box;
      });
      wrap.append(el("span", { class: "field-label", text: label }), group);
      sync = () => {
        const chosen = this.state.get(row.key) || [];
        for (const b of boxes) b.checked = chosen.includes(b.value);
      };
    } else if (row.enum || row.key === "task") {
      const options = row.key === "task" ? Object.keys(this.meta.tasks) : row.enum;
      const select = el("select", { id, "aria-describedby": described });
      if (row.nullable) select.append(el("option", { value: "", text: t("controls.task_default") }));
      for (const v of options) select.append(el("option", { value: v, text: this.optionLabel(row, v) }));
      select.addEventListener("change", () => this.onChange(row.key, select.value === "" ? null : select.value, false));
      wrap.append(el("label", { class: "field-label", for: id, text: label }), select);
      sync = () => {
        select.value = this.state.get(row.key) ?? "";
      };
    } else if (row.type === "string") {
      sync = this.textField(row, wrap, { id, label, described });
    } else if (row.type === "boolean") {
      const box = el("input", { type: "checkbox", id, "aria-describedby": described });
      box.addEventListener("change", () => this.onChange(row.key, box.checked, false));
      wrap.append(el("label", { class: "field-label checks", for: id }, [box, document.createTextNode(label)]));
      sync = () => {
        box.checked = Boolean(this.state.get(row.key));
      };
    } else {
      sync = this.numberField(row, wrap, { id, label, described });
    }
    wrap.append(el("span", { id: helpId, class: "visually-hidden" }), error);
    const entry = {
      wrap,
      error,
      sync: () => {
        const spec = this.specOf(row);
        const help = this.help(row, spec);
        wrap.title = help;
        wrap.querySelector(`#${helpId}`).textContent = help;
        const task = this.state.get("task");
        wrap.hidden = (this.taskParams.has(row.name) && !this.meta.tasks[task]?.params?.[row.name]) || (ONLY_FOR_TASK[row.name] !== undefined && ONLY_FOR_TASK[row.name] !== task);
        sync(spec);
        this.showFixed(row, wrap);
      },
    };
    this.fields.set(row.key, entry);
    return wrap;
  }

  /**
   * A number: a slider over the parameter's range and a number box, always showing the same value. The slider
   * is linear, logarithmic when the range spans three decades or more, or a ladder of values (FINE) where one
   * region matters most. A nullable parameter whose null means "off" (truncation, clipping) gets a checkbox
   * that turns it on; a task parameter's null means "the task's default", which the controls show.
   */
  numberField(row, wrap, { id, label, described }) {
    const integer = row.type === "integer";
    const switchable = row.nullable && !this.taskParams.has(row.name);
    const number = el("input", { type: "number", id, inputmode: integer ? "numeric" : "decimal", "aria-describedby": described });
    const slider = el("input", { type: "range", id: `${id}-range`, "aria-label": label, "aria-describedby": described });
    const toggle = switchable ? el("input", { type: "checkbox", id: `${id}-on`, "aria-label": t("controls.enable", { name: label }) }) : null;
    let scale = null; // {min, max, step, toSlider(v), fromSlider(position)}
    let lastOn = null; // the value a switched-off parameter returns to when switched on again
    slider.addEventListener("input", () => {
      const v = scale.fromSlider(Number(slider.value));
      number.value = v;
      slider.setAttribute("aria-valuetext", String(v));
      this.onChange(row.key, v, true);
    });
    slider.addEventListener("change", () => this.onChange(row.key, scale.fromSlider(Number(slider.value)), false));
    // Typing moves the slider at once; the value is sent when the box is left or Enter is pressed.
    number.addEventListener("input", () => {
      const v = typed(number);
      if (typeof v === "number" && scale) slider.value = scale.toSlider(v);
    });
    number.addEventListener("change", () => {
      const v = typed(number);
      if (v !== undefined) this.onChange(row.key, v, false);
    });
    toggle?.addEventListener("change", () => {
      const spec = this.specOf(row);
      const on = lastOn ?? typed(number) ?? spec.examples?.[0] ?? spec.minimum;
      this.onChange(row.key, toggle.checked ? on : null, false);
    });
    const head = el("div", { class: "field-label" }, [
      toggle ? el("label", { for: toggle.id, class: "checks" }, [toggle, document.createTextNode(label)]) : el("label", { for: id, text: label }),
    ]);
    wrap.append(head, el("div", { class: "field-row" }, [slider, number]));
    return (spec) => {
      const lo = spec.minimum ?? 0;
      const hi = spec.maximum ?? 1;
      slider.hidden = integer && hi - lo > 10000; // a seed needs no slider
      scale = sliderScale(row.name, lo, hi, integer);
      Object.assign(slider, { min: scale.min, max: scale.max, step: scale.step });
      number.min = lo;
      number.max = hi;
      number.step = integer ? 1 : "any";
      const value = this.state.get(row.key);
      const shown = value ?? this.defaultOf(row);
      if (toggle) {
        toggle.checked = value !== null;
        if (value !== null) lastOn = value;
      }
      const off = toggle && !toggle.checked;
      number.disabled = slider.disabled = Boolean(off);
      number.value = shown ?? lastOn ?? "";
      const v = typeof shown === "number" ? shown : Number(number.value);
      if (Number.isFinite(v) && number.value !== "") {
        slider.value = scale.toSlider(v);
        slider.setAttribute("aria-valuetext", String(v));
      }
    };
  }

  /**
   * Text (your own sentence): a one-line box, sent when it is left or Enter is pressed; emptied, it is null
   * (the task's own data). Its length limits are the API's; longer text still goes to the server, which
   * names the limit.
   */
  textField(row, wrap, { id, label, described }) {
    const box = el("input", { type: "text", id, "aria-describedby": described, spellcheck: "false", autocomplete: "off", placeholder: t(`param.${row.key}.placeholder`) });
    box.addEventListener("change", () => this.onChange(row.key, box.value === "" ? null : box.value, false));
    wrap.append(el("label", { class: "field-label", for: id, text: label }), box);
    return () => {
      box.value = this.state.get(row.key) ?? "";
    };
  }

  /**
   * Controls that another setting decides, shown with the value it sets, disabled, and the reason under
   * them: T while the text task reads your sentence (T is its length − 1), and the cells and H of an
   * uploaded network (`showUpload`). They return to their own values when that setting goes.
   */
  fixedValue(row) {
    const sentence = this.state.get("sentence");
    if (row.key === "T" && this.state.get("task") === "text" && typeof sentence === "string") {
      const T = [...sentence.normalize("NFC")].length - 1; // the server counts code points of the NFC form
      return { value: T, note: t("controls.T_from_sentence", { T }) };
    }
    const up = this.uploaded;
    if (!up || !(row.key === "cells" || row.key === "H")) return null;
    const note = t("controls.from_upload", { cell: t(`cell.${up.kind}`), H: up.H });
    return row.key === "cells" ? { value: [up.kind], note } : { value: up.H, note };
  }

  showFixed(row, wrap) {
    const fixed = this.fixedValue(row);
    let note = wrap.querySelector(".field-note");
    if (!fixed) {
      if (note) {
        note.remove();
        for (const input of wrap.querySelectorAll("input")) input.disabled = false;
      }
      return;
    }
    for (const input of wrap.querySelectorAll("input")) {
      input.disabled = true;
      if (input.type === "checkbox") input.checked = fixed.value.includes(input.value);
      else input.value = fixed.value; // integers: the number box and its linear slider read the same value
    }
    if (!note) {
      note = el("p", { class: "field-note muted" });
      wrap.append(note);
    }
    note.textContent = fixed.note;
  }

  /** The uploaded network the charts show ({kind, H}), or null for the app's own cells. */
  showUpload(uploaded) {
    const same = JSON.stringify(uploaded ?? null) === JSON.stringify(this.uploaded ?? null);
    this.uploaded = uploaded;
    if (!same) this.sync();
  }

  /** Show every control's value from the state (after a preset, a shared URL, a language switch). */
  sync() {
    for (const field of this.fields.values()) field.sync();
  }

  /** The server's sentence under the control of `key` (false when there is no such control). */
  showError(key, message) {
    const field = this.fields.get(key);
    if (!field?.error || field.wrap.hidden) return false;
    field.error.textContent = message;
    for (const input of field.wrap.querySelectorAll("input, select")) input.setAttribute("aria-invalid", "true");
    return true;
  }

  clearErrors() {
    for (const field of this.fields.values()) {
      if (!field.error) continue;
      field.error.textContent = "";
      for (const input of field.wrap.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    }
  }
}
