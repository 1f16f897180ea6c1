// The page's whole state, as one table of parameters that is read from and written to the URL, so that a link
// reproduces the view exactly. `preset=NAME` in a URL starts from that preset's configuration (main.js), so
// `/?preset=vanishing` is a link too; touching any control drops the preset's name.
//
// The model and training parameters come from the API (`/api/meta` → parameters.trace, .train, .gradcheck):
// their types, defaults and bounds are the server's, never copies. The page's own parameters (language,
// projection theme, chosen preset, lesson scene, live class) are listed below. The URL holds only the values that differ from the
// defaults, with the API's own names and list form (`?cells=rnn&cells=gru&T=80`), so the model part of a page
// link is also a valid query for GET /api/trace. Values are never clamped here: an out-of-bounds value goes
// to the server, whose 422 message is shown next to its control.

export const PAGE_PARAMS = {
  lang: { type: "string", enum: ["en", "ko"], default: null },
  projection: { type: "boolean", default: false },
  preset: { type: "string", default: null },
  lesson: { type: "integer", default: null }, // the lesson scene shown, 1-based (static/js/lesson/scenes.js)
  class: { type: "string", default: null }, // the live class this page teaches or follows (static/js/live.js)
};

/**
 * One row per parameter: the meta's spec, whose `key` is its name in the page's URL, plus `name` (its name in
 * the API's requests) and `endpoints` (the requests that carry it). The server names the keys (link_keys in
 * app/web/routes/meta.py): a field that two endpoints share with the same spec is one parameter (T, H, seed…); a
 * field whose spec differs is two: the training batch (examples per step, up to 256) is not the traced batch
 * (up to 64), so the page calls it `train_batch`.
 */
export function buildTable(meta) {
  const table = {};
  for (const [endpoint, params] of Object.entries(meta.parameters)) {
    for (const [name, spec] of Object.entries(params)) {
      table[spec.key] ??= { ...spec, name, endpoints: [] };
      table[spec.key].endpoints.push(endpoint);
    }
  }
  for (const [key, spec] of Object.entries(PAGE_PARAMS)) table[key] = { ...spec, key, name: key, endpoints: [] };
  return table;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A URL value as the parameter's type; text that does not parse is kept as it is, for the server to refuse. */
function parse(spec, raw) {
  if (raw === "" && (spec.nullable || spec.default === null)) return null;
  switch (spec.type) {
    case "integer":
      return /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
    case "number":
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case "boolean":
      return { true: true, 1: true, false: false, 0: false }[raw] ?? raw;
    default:
      return raw;
  }
}

function serialise(value) {
  if (value === null) return [""];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export class State {
  constructor(table) {
    this.table = table;
    this.values = {}; // only the parameters that differ from their defaults
  }

  get(key) {
    return Object.hasOwn(this.values, key) ? this.values[key] : this.table[key]?.default;
  }

  /** Set one parameter; setting it back to its default removes it from the URL. */
  set(key, value) {
    if (!this.table[key]) throw new Error(`state: unknown parameter ${key}`);
    if (same(value, this.table[key].default)) delete this.values[key];
    else this.values[key] = value;
  }

  /** Everything back to the defaults, keeping the page's own parameters (language, theme). */
  resetModel() {
    for (const key of Object.keys(this.values)) if (!(key in PAGE_PARAMS)) delete this.values[key];
  }

  /**
   * The body of a request to `endpoint` ("trace", "train", "gradcheck"): the values that differ from the
   * defaults, of the parameters that endpoint takes. The server fills in its own defaults for the rest.
   */
  request(endpoint) {
    const body = {};
    for (const [key, value] of Object.entries(this.values)) {
      const row = this.table[key];
      if (row.endpoints.includes(endpoint)) body[row.name] = value;
    }
    return body;
  }

  /** Is `trace` the one computed for the current trace request (not one still on its way, or an older one)? */
  shows(trace) {
    if (!trace?.config) return false;
    return Object.entries(this.request("trace")).every(([name, value]) => JSON.stringify(trace.config[name]) === JSON.stringify(value));
  }

  /**
   * Does the current trace request equal the one `preset` makes (its training then its trace configuration
   * over the defaults, as choosing it does)? A preset's quoted numbers are claims about that configuration only.
   */
  isPreset(preset) {
    const fresh = new State(this.table);
    fresh.apply("train", preset.train);
    fresh.apply("trace", preset.trace);
    const mine = this.request("trace");
    const own = fresh.request("trace");
    return [...new Set([...Object.keys(mine), ...Object.keys(own)])].every((name) => same(mine[name], own[name]));
  }

  /** The page's key of the API field `name` of `endpoint` (they differ only where specs differ). */
  keyOf(endpoint, name) {
    return Object.values(this.table).find((row) => row.name === name && row.endpoints.includes(endpoint))?.key;
  }

  /** Take the values of a request body of `endpoint` (a preset's trace or train configuration). */
  apply(endpoint, config) {
    for (const [name, value] of Object.entries(config || {})) {
      const key = this.keyOf(endpoint, name);
      if (key) this.set(key, value);
    }
  }

  /** Read the state from a query string (on top of the current values when `merge`); unknown names are ignored. */
  readURL(search, merge = false) {
    const query = new URLSearchParams(search);
    if (!merge) this.values = {};
    for (const key of new Set(query.keys())) {
      const spec = this.table[key];
      if (!spec) continue;
      const raws = query.getAll(key);
      const value = spec.type === "array" ? raws.filter((r) => r !== "") : parse(spec, raws[raws.length - 1]);
      this.set(key, value);
    }
  }

  /** The query string of the state, or of `values` (no leading "?"), parameters in table order. */
  toQuery(values = this.values) {
    const query = new URLSearchParams();
    for (const key of Object.keys(this.table)) {
      if (!Object.hasOwn(values, key)) continue;
      for (const v of serialise(values[key])) query.append(key, v);
    }
    return query.toString();
  }
}
