// The server of a page saved as one file (`gradflow export`, app/export/): installed before the page's own
// code, it answers every fetch() the page makes from the data embedded in the file, as the JSON API answered
// them when the file was made, and never touches the network.
//
// A request is matched by its configuration with every default filled in from the embedded /api/meta (and a
// task parameter resolved as the server resolves it: the task's value when null, nothing when the task has no
// such parameter), so the page's requests, which carry only what differs from the defaults, find the answers
// the exporter asked for with whole configurations. A configuration that was not exported gets a 404 whose
// message (in the page's language, `offline.missing`) says that this copy holds only the exported views;
// when one setting is all that keeps it from an exported one, `detail[0].field` names that setting, and
// `detail[0].message` (`offline.not_here`) is the short sentence for its control.
// A training run is replayed as a stream of Server-Sent Events at the pace it was computed.
(function () {
  "use strict";

  const DATA = JSON.parse(document.getElementById("gradflow-export").textContent);
  const META = DATA.files["/api/meta"];
  const MAX_PAUSE_MS = 5000; // the longest wait between two replayed snapshots, as the server's replay
  const TASK_PARAMS = new Set(Object.values(META.tasks).flatMap((task) => Object.keys(task.params || {})));
  const realFetch = window.fetch.bind(window);

  /** JSON with object keys sorted at every level: equal configurations, equal text. */
  function stable(value) {
    if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
    if (value && typeof value === "object") {
      return `{${Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${stable(value[k])}`)
        .join(",")}}`;
    }
    return JSON.stringify(value);
  }

  /** The whole configuration a request body of `endpoint` stands for. */
  function configOf(endpoint, body) {
    const params = META.parameters[endpoint];
    const config = { ...body };
    for (const [name, spec] of Object.entries(params)) if (!Object.hasOwn(config, name)) config[name] = spec.default;
    const task = META.tasks[config.task];
    for (const name of TASK_PARAMS) {
      if (!task) break;
      config[name] = task.params?.[name] ? (config[name] ?? task.values?.[name] ?? null) : null;
    }
    return config;
  }

  const ANSWERS = {};
  for (const [endpoint, entries] of Object.entries(DATA.answers)) {
    ANSWERS[endpoint] = entries.map((entry) => {
      const config = configOf(endpoint, entry.request);
      return { config, key: stable(config), entry };
    });
  }

  /** The exported answer to a request: {entry}, or {field} naming the one setting that keeps it from the
   *  nearest exported configuration (null when it is further away than one setting). */
  function lookup(endpoint, body) {
    const config = configOf(endpoint, body);
    const key = stable(config);
    let nearest = null;
    let fewest = Infinity;
    for (const answer of ANSWERS[endpoint] || []) {
      if (answer.key === key) return { entry: answer.entry };
      const names = new Set([...Object.keys(config), ...Object.keys(answer.config)]);
      const differ = [...names].filter((name) => stable(config[name]) !== stable(answer.config[name]));
      if (differ.length < fewest) [fewest, nearest] = [differ.length, differ[0]];
    }
    return { field: fewest === 1 ? nearest : null };
  }

  function words() {
    const lang = document.documentElement.lang;
    return DATA.files[`/static/i18n/${lang}.json`] || DATA.files["/static/i18n/en.json"];
  }

  function reply(status, body, type = "application/json", headers = {}) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { "Content-Type": type, ...headers } });
  }

  /** 404 for what the file does not hold, in the page's language; `field`: the setting to blame, if one. */
  function notExported(field = null) {
    const said = words();
    const detail = [{ field, type: "offline", message: said["offline.not_here"] }];
    return reply(404, { message: said["offline.missing"], detail });
  }

  function download(text, filename, type) {
    return reply(200, text, type, { "Content-Disposition": `attachment; filename="${filename}"` });
  }

  function aborted() {
    return new DOMException("The request was aborted.", "AbortError");
  }

  /** A training run's events, replayed as the server replays a cached run: each snapshot when its time comes. */
  function eventStream(events, signal) {
    const encoder = new TextEncoder();
    let timer = null;
    const body = new ReadableStream({
      start(controller) {
        const began = performance.now();
        let i = 0;
        const next = () => {
          if (i >= events.length) {
            controller.close();
            return;
          }
          const { event, data } = events[i];
          const due = event === "snapshot" ? (data.elapsed || 0) * 1000 - (performance.now() - began) : 0;
          timer = setTimeout(() => {
            controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
            i += 1;
            next();
          }, Math.min(Math.max(due, 0), MAX_PAUSE_MS));
        };
        next();
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          controller.error(aborted());
        });
      },
      cancel() {
        clearTimeout(timer);
      },
    });
    return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
  }

  /** The /api/train payload of a replayed run: its start, its snapshots and how it ended. */
  function wholeRun(events) {
    const start = events.find((e) => e.event === "start")?.data || {};
    const end = { ...(events[events.length - 1]?.data || {}) };
    delete end.replayed;
    const snapshots = events.filter((e) => e.event === "snapshot").map((e) => e.data);
    return { ...start, ...end, snapshots };
  }

  const POSTS = {
    "/api/trace": ["trace", (entry) => reply(200, entry.response)],
    "/api/gradcheck": ["gradcheck", (entry) => reply(200, entry.response)],
    "/api/train/stream": ["train", (entry, signal) => eventStream(entry.events, signal)],
    "/api/export/trace.json": ["trace", (entry) => download(JSON.stringify(entry.response), entry.files.json, "application/json")],
    "/api/export/trace.csv": ["trace", (entry) => download(entry.csv, entry.files.csv, "text/csv; charset=utf-8")],
    "/api/export/train.json": ["train", (entry) => download(JSON.stringify(wholeRun(entry.events)), entry.files.json, "application/json")],
    "/api/export/train.csv": ["train", (entry) => download(entry.csv, entry.files.csv, "text/csv; charset=utf-8")],
  };

  /** The path a request names: "/api/meta" as the page writes it, or the path of a full file:// URL. */
  function pathOf(input) {
    const raw = typeof input === "string" ? input : input.url || String(input);
    const path = raw.startsWith("/") ? raw.split("?")[0] : new URL(raw, location.href).pathname;
    return path.replace(/^\/[A-Za-z]:(?=\/)/, ""); // a Windows drive letter that a file:// URL puts first
  }

  async function offlineFetch(input, init = {}) {
    const raw = typeof input === "string" ? input : input.url || String(input);
    if (/^(data|blob):/.test(raw)) return realFetch(input, init);
    const signal = init.signal;
    if (signal?.aborted) throw aborted();
    const path = pathOf(input);
    const method = (init.method || "GET").toUpperCase();
    if (method === "GET" && Object.hasOwn(DATA.files, path)) return reply(200, DATA.files[path]);
    const route = method === "POST" && POSTS[path];
    if (!route) return notExported();
    const [endpoint, answer] = route;
    let body;
    try {
      body = JSON.parse(init.body || "{}");
    } catch {
      return notExported();
    }
    const found = lookup(endpoint, body);
    return found.entry ? answer(found.entry, signal) : notExported(found.field);
  }

  window.fetch = offlineFetch;
  // The file opens on the view it was exported for, unless it was opened with a view of its own.
  if (!location.search && DATA.start) history.replaceState(null, "", DATA.start);
})();
