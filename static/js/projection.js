// Projection mode for the lecture hall. The theme itself (large type, thick lines, high contrast, controls
// reduced to the essentials) is the page's state `projection` (main.js sets data-theme="projection" on <html>
// and redraws the charts with thick lines; static/css/projection.css does the rest). This module adds what a
// projector needs on top: full screen when the teacher turns it on, and the same toggle on a key.
//
// Full screen needs a user gesture and may be refused (headless browsers, iframes, a user setting): the
// request is a wish, never an error.

export class Projection {
  /** host: {page, setProjection} from main.js. */
  constructor(host) {
    this.host = host;
    // main.js's own click handler toggles the theme first (it was added before this one); follow it.
    document.getElementById("projection-btn")?.addEventListener("click", () => this.fullScreen(this.on));
  }

  get on() {
    return Boolean(this.host.page.state.get("projection"));
  }

  toggle() {
    const on = !this.on;
    this.host.setProjection(on);
    this.fullScreen(on);
  }

  fullScreen(on) {
    const root = document.documentElement;
    if (on && !document.fullscreenElement && document.fullscreenEnabled && root.requestFullscreen) {
      root.requestFullscreen({ navigationUI: "hide" }).catch(() => {});
    } else if (!on && document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
    }
  }
}
