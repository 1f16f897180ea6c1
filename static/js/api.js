// Every request the page makes goes through this module, and nothing else here but requests: the JSON API
// (docs/api.md) and the page's own language files. A copy of the page that carries its data inside (a
// static export) replaces this one module and keeps the rest.

/** A request the server refused. `field` names the control to blame (`detail[0].field`), when there is one. */
export class ApiError extends Error {
  constructor(status, message, field = null, detail = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.field = field;
    this.detail = detail;
  }
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // a proxy's HTML error page, or an empty body: keep the status line
  }
  const message = body?.message || `${response.status} ${response.statusText}`;
  const first = Array.isArray(body?.detail) ? body.detail[0] : null;
  return new ApiError(response.status, message, first?.field ?? null, body?.detail ?? null);
}

async function request(method, path, body, signal, headers = {}) {
  const init = { method, signal, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) throw await errorFrom(response);
  return response.status === 204 ? null : response.json();
}

/** GET /api/meta: kinds, tasks, presets, and every parameter's default, bounds and description. */
export function getMeta(signal) {
  return request("GET", "/api/meta", undefined, signal);
}

/** POST /api/trace: one forward and backward pass of each chosen cell, everything recorded. */
export function getTrace(config, signal) {
  return request("POST", "/api/trace", config, signal);
}

/** POST /api/weights: upload a trained PyTorch network (multipart); answers its hash, kind and sizes. */
export async function uploadWeights(file, signal) {
  const body = new FormData();
  body.append("file", file, file.name);
  const response = await fetch("/api/weights", { method: "POST", body, signal, headers: { Accept: "application/json" } });
  if (!response.ok) throw await errorFrom(response);
  return response.json();
}

/** POST /api/input: your own input sequence (a file or pasted CSV) and optional targets; answers its hash and sizes. */
export async function uploadInput(file, targets, signal) {
  const body = new FormData();
  body.append("file", file, file.name);
  if (targets) body.append("targets", targets, targets.name);
  const response = await fetch("/api/input", { method: "POST", body, signal, headers: { Accept: "application/json" } });
  if (!response.ok) throw await errorFrom(response);
  return response.json();
}

/** POST /api/gradcheck: analytic gradients against the complex-step derivative (app/core/gradcheck.py). */
export function getGradcheck(config, signal) {
  return request("POST", "/api/gradcheck", config, signal);
}

/** GET /api/classroom: the addresses students can reach this server at (none when bound to loopback). */
export function getClassroom(signal) {
  return request("GET", "/api/classroom", undefined, signal);
}

/** The address of the server-drawn QR code (SVG) of `link`, for an <img>. */
export function classroomQrUrl(link) {
  return `/api/classroom/qr.svg?url=${encodeURIComponent(link)}`;
}

// ---- the live class (docs/api.md): a teacher's request carries the teacher secret as X-Class-Key ------------

const classPath = (id, rest = "") => `/api/class/${encodeURIComponent(id)}${rest}`;
const teacher = (key) => ({ "X-Class-Key": key });

/** POST /api/class: a new live session, {id, teacher_secret, join_url, expires_after_idle_s}. */
export function startClass(signal) {
  return request("POST", "/api/class", undefined, signal);
}

/** GET /api/class/{id}: {id, view, question, students, ended}. */
export function getClass(id, signal) {
  return request("GET", classPath(id), undefined, signal);
}

/** The address of the session's event stream (view, question, reveal, closed, end), for an EventSource. */
export function classEventsUrl(id) {
  return classPath(id, "/events");
}

/** PUT /api/class/{id}/view (teacher): what the teacher's page shows now; answers {seq}. */
export function putClassView(id, key, view, signal) {
  return request("PUT", classPath(id, "/view"), { view }, signal, teacher(key));
}

/** GET /api/class/{id}/tally (teacher): {qid, tally, answers, students}. */
export function getClassTally(id, key, signal) {
  return request("GET", classPath(id, "/tally"), undefined, signal, teacher(key));
}

/** POST /api/class/{id}/questions (teacher): `body` is {scene} or {text, choices, correct}. */
export function openQuestion(id, key, body, signal) {
  return request("POST", classPath(id, "/questions"), body, signal, teacher(key));
}

/** POST …/questions/{qid}/reveal (teacher): {qid, correct, tally, answers}. */
export function revealQuestion(id, key, qid, signal) {
  return request("POST", classPath(id, `/questions/${encodeURIComponent(qid)}/reveal`), undefined, signal, teacher(key));
}

/** POST …/questions/{qid}/close (teacher): the question withdrawn without a reveal. */
export function closeQuestion(id, key, qid, signal) {
  return request("POST", classPath(id, `/questions/${encodeURIComponent(qid)}/close`), undefined, signal, teacher(key));
}

/** POST …/questions/{qid}/answers (anyone in the class): {counted}, false for a device's repeat vote. */
export function answerQuestion(id, qid, device, choice, signal) {
  return request("POST", classPath(id, `/questions/${encodeURIComponent(qid)}/answers`), { device, choice }, signal);
}

/** DELETE /api/class/{id} (teacher): the session ends for everyone. */
export function endClass(id, key, signal) {
  return request("DELETE", classPath(id), undefined, signal, teacher(key));
}

/** The language file static/i18n/<lang>.json. */
export function getStrings(lang) {
  return request("GET", `/static/i18n/${encodeURIComponent(lang)}.json`);
}

/**
 * A trace's or a finished training run's data as a file: `what` is "trace" or "train", `format` "csv" or
 * "json". POSTed (not a link) so that a null such as "no clipping" reaches the server as null.
 */
export async function getExport(what, format, config, signal) {
  const response = await fetch(`/api/export/${what}.${format}`, {
    method: "POST",
    signal,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw await errorFrom(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] || `gradflow-${what}.${format}`;
  return { blob: await response.blob(), filename };
}

/**
 * POST /api/train/stream and yield its Server-Sent Events as `{event, data}` (data parsed from JSON), in order,
 * as they arrive. Aborting `signal` closes the connection, which stops the training on the server.
 */
export async function* trainStream(config, signal) {
  const response = await fetch("/api/train/stream", {
    method: "POST",
    signal,
    headers: { Accept: "text/event-stream", "Content-Type": "application/json" },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw await errorFrom(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) yield event;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** One SSE block ("event: x\ndata: {...}") as {event, data}; null for a comment or keep-alive. */
function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (!data.length) return null;
  return { event, data: JSON.parse(data.join("\n")) };
}
