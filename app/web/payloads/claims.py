"""Claims as data: what a preset's or a scene's words say about the numbers, in a form a test evaluates.

A preset (static/lesson/presets.json) may carry
- `quantities`: named numbers read off its computed payloads, which its words quote as `{name}` (the page
  fills them in with static/js/claims.js, which reads the same definitions; nothing quoted is typed);
- `claims`: comparisons between quantities (or a quantity and a constant) that its words assert.

A quantity is {"of": …, "cell": kind, "field": …} with `of` one of
    first, last       the field's value at t = 1 or t = T (a per-step curve such as grad_hidden_norm)
    ratio             first / last: how much of the gradient at t = T is left at t = 1
    per_step          ratio^(1/(T−1)): the mean factor one step back multiplies it by
    spread            the curve's largest value over its smallest (the per-step errors of a trained network)
    value             a number of the cell (sigma_max, spectral_radius, loss)
    gate_lift         the largest, over units, of (mean gate at the example's marked steps − mean elsewhere):
                      how far one unit's gate opens where the input is marked (field names the gate)
    gate_dip          the same the other way: how far one unit's gate closes at the marked steps
    gate_mean         the gate's mean over the example's steps and units
    gate_unit_max     the largest, over units, of a unit's mean gate: the unit that holds it most open
    kept_unit_gate    the mean gate (field) of the unit that keeps its value: the one whose keep gate (the
                      LSTM's f, the GRU's z) is highest on average
    zero_before       how many leading steps the curve is exactly 0 (a truncated backward pass)
    rises             how many steps back the curve grows (0: it shrinks at every step from t = T to 1)
    task              a number of the task: baseline, threshold (field names it)
    final             a number of the cell's last training snapshot: test_loss, test_accuracy, solved
and optional "variant": i to read the preset's i-th comparison trace instead of its own.

A claim is {"left": name, "op": one of < <= > >= ==, "right": name or "value": number, "times": k}:
left op k·right (k defaults to 1). `evaluate` returns each claim with the numbers it compared.
"""

import math
import operator

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}
KINDS_OF = (
    "first",
    "last",
    "ratio",
    "per_step",
    "spread",
    "value",
    "gate_lift",
    "gate_dip",
    "gate_mean",
    "gate_unit_max",
    "kept_unit_gate",
    "zero_before",
    "rises",
    "task",
    "final",
)


class ClaimError(ValueError):
    """A quantity or claim that is not well formed, or names something the payload does not have."""


def _curve(cell: dict, field: str) -> list[float]:
    entry = cell.get(field)
    if not isinstance(entry, dict) or "data" not in entry:
        raise ClaimError(f"the cell has no per-step field {field!r}")
    return entry["data"]


def _gate(cell: dict, gate: str) -> list[list[float]]:
    try:
        return cell["gates"][gate]["data"]
    except (KeyError, TypeError):
        raise ClaimError(f"the cell has no gate {gate!r}") from None


def quantity(spec: dict, payloads: dict) -> float:
    """The number `spec` names in `payloads` = {"trace": …, "compare": [...], "train": final snapshot}."""
    of = spec.get("of")
    if of not in KINDS_OF:
        raise ClaimError(f"unknown quantity {of!r}; known: {', '.join(KINDS_OF)}")
    if of == "final":
        return _number(payloads["train"]["cells"][spec["cell"]][spec["field"]])
    trace = payloads["trace"] if "variant" not in spec else payloads["compare"][spec["variant"]]
    if of == "task":
        return _number(trace["task"][spec["field"]])
    cell = trace["cells"].get(spec["cell"])
    if cell is None:
        raise ClaimError(f"the trace has no {spec['cell']!r} cell")
    if of == "value":
        return _number(cell[spec["field"]])
    if of in ("gate_lift", "gate_dip", "gate_mean", "gate_unit_max", "kept_unit_gate"):
        grid = _gate(cell, spec["field"])  # (T, U)
        if of == "gate_mean":
            return sum(map(sum, grid)) / (len(grid) * len(grid[0]))
        if of == "gate_unit_max":
            return max(_unit_means(grid))
        if of == "kept_unit_gate":
            kept = _unit_means(_gate(cell, KEEP_GATE[spec["cell"]]))
            return _unit_means(grid)[kept.index(max(kept))]
        marked = [row[-1] > 0.5 for row in trace["example"]["inputs"]["data"]]
        if not any(marked) or all(marked):
            raise ClaimError(f"{of} needs an example with some, not all, steps marked")
        sign = 1 if of == "gate_lift" else -1
        on = _unit_means([row for row, m in zip(grid, marked, strict=True) if m])
        off = _unit_means([row for row, m in zip(grid, marked, strict=True) if not m])
        return max(sign * (a - b) for a, b in zip(on, off, strict=True))
    data = _curve(cell, spec["field"])
    if of == "zero_before":
        return float(next((t for t, v in enumerate(data) if v != 0), len(data)))
    if of == "rises":
        return float(sum(data[t] > data[t + 1] for t in range(len(data) - 1)))
    if of == "spread":
        return max(data) / min(data) if min(data) > 0 else math.inf
    first, last = _number(data[0]), _number(data[-1])
    if of == "first":
        return first
    if of == "last":
        return last
    ratio = first / last if last else math.inf
    if of == "ratio":
        return ratio
    return ratio ** (1 / (len(data) - 1))  # per_step


KEEP_GATE = {"lstm": "f", "gru": "z"}  # the gate that decides how much of the state is kept


def _unit_means(grid: list[list[float]]) -> list[float]:
    return [sum(row[u] for row in grid) / len(grid) for u in range(len(grid[0]))]


def _number(value) -> float:
    if value is None:  # the API sends a non-finite number as null
        return math.nan
    return float(value)


def about_training(preset: dict, claim: dict) -> bool:
    """Whether the claim compares a number of the preset's training run (known only once it has run)."""
    specs = preset.get("quantities", {})
    return any(specs[claim[side]]["of"] == "final" for side in ("left", "right") if side in claim)


def evaluate(preset: dict, payloads: dict) -> list[dict]:
    """The preset's claims that `payloads` can decide (those about its training run only when it holds
    the run's last snapshot as "train"), each with the numbers it compared and whether it holds."""
    trained = "train" in payloads
    claims = [c for c in preset.get("claims", []) if about_training(preset, c) == trained]
    needed = {c[side] for c in claims for side in ("left", "right") if side in c}
    specs = preset.get("quantities", {})
    values = {name: quantity(specs[name], payloads) for name in needed}
    results = []
    for claim in claims:
        left = values[claim["left"]]
        right = values[claim["right"]] if "right" in claim else float(claim["value"])
        bound = claim.get("times", 1) * right
        holds = bool(OPS[claim["op"]](left, bound))
        results.append({**claim, "left_value": left, "bound": bound, "holds": holds})
    return results


def check_definitions(preset: dict) -> None:
    """Raise ClaimError for a claim or quantity that could never be evaluated (a typo in the data file)."""
    names = preset.get("quantities", {})
    for name, spec in names.items():
        if spec.get("of") not in KINDS_OF:
            raise ClaimError(f"{preset['name']}: quantity {name!r} has unknown kind {spec.get('of')!r}")
    for claim in preset.get("claims", []):
        if claim.get("op") not in OPS:
            raise ClaimError(f"{preset['name']}: claim {claim} has no comparison of {', '.join(OPS)}")
        for side in ("left", "right"):
            if side in claim and claim[side] not in names:
                raise ClaimError(f"{preset['name']}: claim {claim} names no quantity {claim[side]!r}")
        if "right" not in claim and "value" not in claim:
            raise ClaimError(f"{preset['name']}: claim {claim} compares with nothing")
