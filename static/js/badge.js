// The "gradients verified" badge: for the current configuration, the server compares the analytic gradients
// with centred finite differences, and the badge shows the worst relative error. It waits until the sliders
// rest (each check costs the server a few dozen forward passes) and a newer configuration cancels an older
// check. A click checks again; the tooltip gives each cell's figure.

import { getGradcheck } from "./api.js";
import { formatNumber, t } from "./i18n.js";

const DELAY_MS = 700;

export class VerifyBadge {
  /** element: the badge; requestBody(): the gradient-check request for the current state. */
  constructor(element, requestBody) {
    this.element = element;
    this.requestBody = requestBody;
    this.timer = null;
    this.controller = null;
    element.addEventListener("click", () => this.schedule());
  }

  show(state, text, title = t("verify.tooltip")) {
    this.element.dataset.state = state;
    this.element.textContent = text;
    this.element.title = title;
  }

  /** Nothing checked (the configuration was refused). */
  clear() {
    clearTimeout(this.timer);
    this.controller?.abort();
    this.show("idle", t("verify.idle"));
  }

  schedule() {
    clearTimeout(this.timer);
    this.controller?.abort();
    this.show("checking", t("verify.checking"));
    this.timer = setTimeout(() => this.check(), DELAY_MS);
  }

  async check() {
    const controller = new AbortController();
    this.controller = controller;
    try {
      const result = await getGradcheck(this.requestBody(), controller.signal);
      const worst = formatNumber(result.worst_relative_error, 2);
      const title = Object.entries(result.cells)
        .map(([kind, c]) => t("verify.cell", { cell: t(`cell.${kind}`), error: formatNumber(c.worst_relative_error, 2), n: c.checks.length }))
        .concat(t("verify.tooltip"))
        .join("\n");
      if (result.passed) this.show("ok", t("verify.ok", { error: worst }), title);
      else if (Object.values(result.cells).some((c) => c.overflow)) this.show("error", t("verify.overflow"), title);
      else this.show("fail", t("verify.fail", { error: worst, tolerance: formatNumber(result.tolerance, 2) }), title);
    } catch (error) {
      if (error.name !== "AbortError") this.show("error", t("verify.error"), error.message);
    }
  }
}
