"""The gradient check: backprop through time against the complex-step derivative of the reference forward.

For a parameter entry θ_k, the complex step (Squire & Trapp 1998) runs the reference forward pass
(app/core/reference) with θ_k + i·h and reads

    dL/dθ_k = Im L(θ + i·h·e_k) / h

Every operation of the forward pass is analytic (tanh, exp, log, products), so the imaginary part carries
the exact first-order term: there is no subtraction of two nearly equal losses, hence no cancellation, and
with h = 1e-100 the h² term is below rounding. The result is exact to rounding whatever the loss surface
looks like, which is where centred differences fail: in an exploding regime L(θ ± ε) is too rough to
follow, and the difference is noise. The check is independent of BPTT: a forward pass only.

Two details make it hold in every regime the page reaches:
- the real parts of the states are pinned to the recorded ones (reference.rnn.pin): where the dynamics
  are chaotic, rounding alone (complex arithmetic rounds differently) moves the trajectory by O(1) over a
  few hundred steps, and the derivative must be taken along the trajectory whose gradient BPTT computed;
- h shrinks below 1e-100 when a state's imaginary part would exceed MAX_IMAG (derivatives of 1e100 and
  more, before anything overflows), so that the (h·dθ)² terms of tanh and exp stay below rounding.

relative error = |a − c| / max(|a|, |c|, floor), a the analytic gradient, c the complex-step one, and
floor = max(1000 · tiny / h, T · u · G) / tolerance, so that an entry far below either limit is judged on
its absolute error instead of reporting rounding as a failure:
- the imaginary parts live at the scale h·dL/dθ; below the smallest normal float (tiny) they lose
  precision, so a derivative is resolved to about 1000 · tiny / h in absolute terms;
- both methods multiply the same T step Jacobians, rounded (u = 2.2e-16) differently, so an entry is
  exact to about T · u · G, G the largest |dL/dθ| over the same parameter (W_xh, W_hh, …). In an
  exploding regime G reaches 1e110 while an entry of W_xh fed by a sparse input can be 1e49: its
  rounding is set by G, not by its own size.

Where the check cannot decide, it says so instead of failing (`reason`):
- forward_overflow: the forward pass reached inf or nan at `step`; there is no derivative to compare;
- gradient_overflow: the analytic gradient of a checked entry is not finite (it overflowed backwards);
- derivative_out_of_range: the derivative is too large for any complex step in float64;
- relu_kink: a relu pre-activation sits exactly on 0 at `step`, moves with θ_k and reaches the loss, so
  dL/dθ_k has two one-sided values: backprop and the complex relu where(Re a > 0, a, 0) both take the
  slope 0 there, and agreeing would prove nothing.
Truncated BPTT computes a different gradient from the loss's own on purpose: the check compares the full
gradient, so the caller passes a trace of full BPTT.
"""

import numpy as np

from app.core.model import Model
from app.core.reference import CELLS
from app.core.reference.loss import loss as reference_loss
from app.core.trace import Trace

TOLERANCE = 1e-8
STEP = 1e-100
TINY = np.finfo(np.float64).tiny
# Largest imaginary part allowed in the forward's states: small enough that the (h·dθ)² terms of the
# nonlinearities stay below rounding (see _derivative, which shrinks h when a state exceeds it).
MAX_IMAG = 1e-9
PROBE_STEP = 1e-280


def sample_entries(params: dict, samples: int, rng: np.random.Generator) -> list[tuple[str, tuple]]:
    """`samples` (name, index) pairs drawn with `rng`, round-robin over the parameters so that every W
    and b is checked at least once when samples allows."""
    names = list(params)
    picks = []
    for j in range(samples):
        name = names[j % len(names)]
        flat = int(rng.integers(params[name].size))
        picks.append((name, tuple(int(i) for i in np.unravel_index(flat, params[name].shape))))
    return picks


def _bad_steps(*arrays: np.ndarray | None) -> np.ndarray:
    """The steps t (axis 0, ascending) where any of the arrays holds a non-finite number."""
    bad = None
    for a in arrays:
        if a is not None:
            rows = ~np.isfinite(a.reshape(len(a), -1)).all(axis=1)
            bad = rows if bad is None else bad | rows
    return np.flatnonzero(bad)


def _complex_forward(model: Model, params: dict, x, y, loss: str, loss_on: str, along: dict):
    kw = {"activation": model.activation} if model.kind == "rnn" else {}
    cache = CELLS[model.kind].forward(params, x, along=along, **kw)
    return reference_loss(params, cache["h"], y, model.output, loss, loss_on), cache


def _largest_imag(cache: dict) -> float:
    states = [v for v in cache.values() if isinstance(v, np.ndarray) and np.iscomplexobj(v)]
    return max(float(np.abs(s.imag).max()) for s in states)


def _derivative(
    model: Model, x, y, loss: str, loss_on: str, along: dict, name: str, index: tuple, kinks
) -> dict:
    """dL/dθ at (name, index) by the complex step, with the step h used and the relu kink, if any."""

    def run(h: float):
        params = {k: v.astype(np.complex128) for k, v in model.params.items()}
        params[name][index] += 1j * h
        L, cache = _complex_forward(model, params, x, y, loss, loss_on, along)
        return L, cache, _largest_imag(cache)

    h = STEP
    L, cache, largest = run(h)
    if largest > MAX_IMAG:
        # a state moved so far that the nonlinearities' (h·dθ)² terms could show. A probe with the
        # smallest step measures the largest state derivative while it is still linear in h; the step
        # that keeps every state within MAX_IMAG then gives the same derivative, to rounding.
        _, _, probe = run(PROBE_STEP)
        h = MAX_IMAG / 10 / (probe / PROBE_STEP) if probe > 0 else 0.0
        if not probe <= MAX_IMAG or h < PROBE_STEP:
            return {"value": None, "h": h, "reason": "derivative_out_of_range", "step": None}
        L, cache, largest = run(h)
    value = float(L.imag) / h
    if not np.isfinite(value) or not np.isfinite(largest):
        return {"value": None, "h": h, "reason": "derivative_out_of_range", "step": None}
    if kinks is not None:
        a = cache["a"]
        on_kink = kinks & (a.real == 0) & (a.imag != 0)
        if on_kink.any():
            step = int(np.flatnonzero(on_kink.reshape(len(a), -1).any(axis=1))[0])
            return {"value": value, "h": h, "reason": "relu_kink", "step": step}
    return {"value": value, "h": h, "reason": None, "step": None}


def check(
    model: Model,
    x: np.ndarray,
    y: np.ndarray,
    loss: str,
    loss_on: str,
    trace: Trace,
    entries: list[tuple[str, tuple]],
    tolerance: float = TOLERANCE,
) -> dict:
    """Compare trace.grads (full BPTT of `model` on x, y) with the complex-step derivative at `entries`.

    Returns status ("passed" | "failed" | "uncheckable"), passed, reason (None, or {"code", "step",
    "param"}), worst_relative_error (over the entries compared), overflow, floor (the complex step's own,
    at h = STEP), step (STEP), and checks: one per entry compared, {param, index, analytic, numeric,
    abs_error, relative_error, floor, h, status}, status "passed", "failed", or a reason code for an entry
    the check cannot decide. Plain floats and None only.
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        largest = {name: float(np.abs(g[np.isfinite(g)]).max(initial=0.0)) for name, g in trace.grads.items()}
    rounding = {name: len(x) * np.finfo(np.float64).eps * g for name, g in largest.items()}
    floor = 1000 * TINY / STEP / tolerance
    result = {"status": "uncheckable", "passed": False, "reason": None, "worst_relative_error": None}
    result |= {"overflow": not trace.finite, "floor": floor, "step": STEP, "checks": []}
    with np.errstate(all="ignore"):
        forward = _bad_steps(trace.hidden, trace.cell, trace.outputs, trace.step_loss)
        if len(forward):
            result["reason"] = {"code": "forward_overflow", "step": int(forward[0]), "param": None}
            return result
        if not np.isfinite(trace.loss):
            result["reason"] = {"code": "loss_not_finite", "step": None, "param": None}
            return result
        # where a relu pre-activation on its kink can matter: units whose dL/dh_t is not zero
        along = {"h": trace.hidden, "c": trace.cell}
        kinks = trace.grad_hidden != 0 if model.kind == "rnn" and model.activation == "relu" else None
        for name, index in entries:
            analytic = float(trace.grads[name][index])
            entry = {"param": name, "index": list(index), "analytic": None, "numeric": None}
            entry |= {"abs_error": None, "relative_error": None, "floor": None, "h": None, "status": None}
            if not np.isfinite(analytic):
                entry["status"] = "gradient_overflow"
                result["checks"].append(entry)
                # the backward pass runs from the last step: its first non-finite step is the latest
                backward = _bad_steps(trace.grad_hidden, trace.grad_cell)
                step = int(backward[-1]) if len(backward) else None
                reason = {"code": "gradient_overflow", "step": step, "param": name}
                result["reason"] = result["reason"] or reason
                continue
            found = _derivative(model, x, y, loss, loss_on, along, name, index, kinks)
            entry.update(analytic=analytic, numeric=found["value"], h=found["h"])
            if found["reason"] is not None:
                entry["status"] = found["reason"]
                reason = {"code": found["reason"], "step": found["step"], "param": name}
                result["reason"] = result["reason"] or reason
            if found["value"] is not None:
                error = abs(analytic - found["value"])
                entry_floor = max(1000 * TINY / found["h"], rounding[name]) / tolerance
                relative = error / max(abs(analytic), abs(found["value"]), entry_floor)
                entry.update(abs_error=error, relative_error=relative, floor=entry_floor)
                if entry["status"] is None:
                    entry["status"] = "passed" if relative < tolerance else "failed"
            result["checks"].append(entry)
    compared = [c["relative_error"] for c in result["checks"] if c["status"] in ("passed", "failed")]
    result["worst_relative_error"] = max(compared) if compared else None
    if any(c["status"] == "failed" for c in result["checks"]):
        result["status"], result["reason"] = "failed", None
    elif result["reason"] is None:
        result["status"], result["passed"] = "passed", True
    return result
