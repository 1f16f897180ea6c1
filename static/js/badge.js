// The "gradients verified" badge: for the current configuration, the server compares the analytic gradients
// (backprop through time) with the exact derivative by the complex step, and the badge shows the worst
// relative error: passed, failed, or "not checkable here, because …" where no derivative can be compared
// (the forward pass overflowed, a relu sits on its kink). It waits until the sliders rest and a newer
// configuration cancels an older check. A click checks again; the tooltip gives each cell's figure.

import { getGradcheck } from "./api.js";
import { formatNumber, t } from "./i18n.js";

const DELAY_MS = 700;

/** "RNN: gradients not checkable here, because …" for a reason {code, step, param, cell} of the response. */
function uncheckable(reason) {
  const values = { step: reason.step === null ? "" : reason.step + 1, param: reason.param ?? "" }; // steps from 1, as the banner
  let because;
  if (reason.code === "forward_overflow") because = t("verify.reason.forward_overflow", values);
  else if (reason.code === "loss_not_finite") because = t("verify.reason.loss_not_finite", values);
  else if (reason.code === "gradient_overflow") because = t("verify.reason.gradient_overflow", values);
  else if (reason.code === "relu_kink") because = t("verify.reason.relu_kink", values);
  else because = t("verify.reason.derivative_out_of_range", values);
  return t("verify.uncheckable", { cell: t(`cell.${reason.cell}`), reason: because });
}

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
        .map(([kind, c]) =>
          c.status === "uncheckable"
            ? uncheckable({ ...c.reason, cell: kind })
            : t("verify.cell", { cell: t(`cell.${kind}`), error: formatNumber(c.worst_relative_error, 2), n: c.checks.length }),
        )
        .concat(t("verify.tooltip"))
        .join("\n");
      if (result.status === "passed") this.show("ok", t("verify.ok", { error: worst }), title);
      else if (result.status === "failed") {
        this.show("fail", t("verify.fail", { error: worst, tolerance: formatNumber(result.tolerance, 2) }), title);
      } else this.show("uncheckable", uncheckable(result.reason), title);
    } catch (error) {
      if (error.name !== "AbortError") this.show("error", t("verify.error"), error.message);
    }
  }
}
