// Your own numbers for an uploaded network: a T × D table pasted (CSV, one row per step) or chosen as a file
// (.csv or .npy), and optional targets, sent to POST /api/input, whose hash becomes the `input` parameter
// (in the URL like the upload's). The server reads and checks the numbers (app/core/sequence.py), so the
// page has no parser of its own: a refused table is the server's sentence under the panel.

import { ApiError, uploadInput } from "./api.js";
import { t } from "./i18n.js";
import { errorText } from "./messages.js";

const $ = (id) => document.getElementById(id);

/** The chosen file, else the pasted text as a CSV file; null when both are empty. */
function tableOf(fileInput, textArea, name) {
  const file = fileInput.files?.[0];
  if (file) return file;
  const text = textArea.value.trim();
  return text ? new File([text], name, { type: "text/csv" }) : null;
}

/** Wire the panel: `onChange(key, value)` sets a parameter, `table` is the state's table (for error words). */
export function wireOwnInput({ onChange, table }) {
  $("input-use").addEventListener("click", async () => {
    const x = tableOf($("input-file"), $("input-text"), "pasted.csv");
    if (!x) {
      $("input-status").textContent = t("input.empty");
      return;
    }
    const y = tableOf($("input-targets-file"), $("input-targets-text"), "pasted-targets.csv");
    $("input-status").textContent = t("input.sending");
    try {
      const info = await uploadInput(x, y);
      $("input-status").textContent = "";
      onChange("input", info.input);
    } catch (error) {
      $("input-status").textContent = error instanceof ApiError ? errorText(error, table()) : String(error);
    }
  });
  $("input-clear").addEventListener("click", () => onChange("input", null));
}

/** Show the panel while an uploaded network is shown, and say which numbers the charts show. */
export function showOwnInput(trace, weights, input) {
  $("input-panel").hidden = !weights;
  if (input) $("input-panel").open = true; // the numbers the charts show stay in view
  $("input-clear").hidden = !input;
  if (input && trace?.task?.name === "input") {
    const { length, input_size: D, targets } = trace.task;
    $("input-status").textContent = t(targets === "given" ? "input.active_targets" : "input.active", { T: length, D });
  } else if (!input && $("input-status").dataset.shown) {
    $("input-status").textContent = "";
  }
  $("input-status").dataset.shown = input ? "1" : "";
}
