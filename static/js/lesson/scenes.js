// The lesson as data: one scene per idea of the lecture (../shared/seed/rnn-lecture-ko.txt), in its order.
// The scenes live in static/lesson/scenes.json, which the server validates and serves in GET /api/meta
// (`scenes`); main.js hands them to setScenes before the lesson opens. Each scene has:
//
// id        names the scene's words in the language files: lesson.scene.<id>.title and .text
// preset    the API preset the scene applies to the page (GET /api/presets)
// view      the page chart the scene points at (a card of templates/index.html), or "lesson" for the
//           lesson panel's own figure
// equations the scene's equations in the lecture's notation (W_xh, W_hh, W_hy, h_t, ŷ_t, f_t…), one string
//           per line, written in the notation of lesson/math.js and shown as MathML
// widget    what the scene adds to the panel (lesson/widgets.js): the diagram, live values, an animation…
// gate      for the gate scenes, which LSTM gate
// buttons   for the radius scene, its buttons: {id (words lesson.radius.<id>), set (the trace fields it sets)}
// beside    for the truncation scene, the trace drawn beside the scene's own: its request with these fields
//
// The export (app/export/views.py) reads `buttons` and `beside` too: its file holds what they ask for.
//
// Scene numbers in the URL (`?lesson=4`) count from 1 in this order.

export const SCENES = [];

/** The lesson's scenes, from GET /api/meta. */
export function setScenes(scenes) {
  SCENES.splice(0, SCENES.length, ...scenes);
}

/** The scene number (1-based) a URL value asks for, within 1…SCENES.length; null when it names none. */
export function sceneNumber(value) {
  const n = Number(value);
  if (value === null || value === undefined || value === "" || !Number.isFinite(n)) return null;
  return Math.min(Math.max(Math.round(n), 1), SCENES.length);
}
