// What the page tells the reader when something is wrong: the banner above the charts, a refused value
// under its control (the server's own sentence), and the overflow of an exploding configuration.

import { ApiError } from "./api.js";
import { overflowAt } from "./charts/common.js";
import { has, language, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/** The banner above the charts; an empty text hides it. */
export function showBanner(text, kind = "error") {
  $("banner-text").textContent = text;
  $("banner").dataset.kind = kind;
  $("banner").hidden = !text;
}

/**
 * The server's sentence for a refused request. In Korean, the same facts in Korean when the error's type
 * (less_than_equal, int_parsing…) has a sentence in ko.json; otherwise the server's English one.
 */
export function errorText(error, table) {
  const d = Array.isArray(error.detail) ? error.detail[0] : null;
  const key = `error.${d?.type}`;
  if (language() === "en" || !d?.field || !has(key)) return error.message;
  const label = table[d.field] ? t(`param.${d.field}.label`) : d.field;
  return t(key, { field: label, limit: d.limit ?? "", got: d.got ?? "" });
}

/**
 * A refused or failed request of `endpoint`: under the control it names when there is one (`controls`,
 * `state` map the API's field to it), else in the banner. A busy server (503) is news, not an error, and so
 * is a view that a page saved as a file does not hold (app/export/offline.js): said in the banner, and under
 * the control whose value took the page away from the views it holds.
 */
export function showError(error, { endpoint, state, controls }) {
  if (!(error instanceof ApiError)) {
    showBanner(t("banner.network", { message: error.message }));
    return;
  }
  if (error.status === 503) {
    showBanner(t("banner.busy"), "info");
    return;
  }
  if (Array.isArray(error.detail) && error.detail[0]?.type === "offline") {
    const key = error.field && state.keyOf(endpoint, error.field);
    if (key) controls.showError(key, error.detail[0].message);
    showBanner(error.message, "info");
    return;
  }
  const text = errorText(error, state.table);
  const key = error.field && state.keyOf(endpoint, error.field);
  if (!(key && controls.showError(key, text))) showBanner(t("banner.rejected", { message: text }));
}

/**
 * For every cell whose numbers overflowed ("" when none did): "gradients exploded at step t" at the step where
 * its backward pass, running from T down to 1, first met a non-finite gradient (where the headline's curve
 * stops), or, when only the forward pass overflowed, "the forward pass overflowed at step t".
 */
export function overflowText(cells) {
  return Object.entries(cells)
    .filter(([, cell]) => cell.overflow)
    .map(([kind, cell]) => {
      const { side, step } = overflowAt(cell);
      const words = { cell: t(`cell.${kind}`), step: step + 1 };
      return side === "forward" ? t("banner.overflow_forward", words) : t("banner.overflow", words);
    })
    .join(" ");
}
