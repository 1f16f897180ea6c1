"""Per-step analyses of one recorded run: where the gradient goes back in time, and why it fades.

Pure functions of (model, trace); shape letters as in app.core (T steps, B examples, D inputs, H hidden
units, K outputs), plus S for the size of the recurrent state s_t: H for the RNN and GRU, 2H for the LSTM,
whose state is (h_t, c_t), h first. Steps are 0-based in the arrays: index t holds step t+1 of the lecture.

Everything is read from the trace (h_t, c_t, the gates, dL/dh_t, dL/dc_t) and the params; nothing is
rerun. The step Jacobians J_t = ∂s_t/∂s_{t−1} and their formulas are in jacobians.py, the connectivity
‖∂ŷ_t/∂x_s‖ in connectivity.py. The Jacobians are those of the forward map: truncated BPTT changes which
gradients the backward pass computes, not how the state moves, so jacobian_norms and connectivity ignore
`trace.truncate`; grad_norms and weight_grad_contributions read the gradients the (possibly truncated)
pass produced, and grad_hidden_bound sums only within a truncation chunk, as that pass does.

Exploding runs: every function runs under np.errstate(all="ignore") and leaves NaN/inf in its result for
the caller to flag (first_nonfinite). Norms are taken after scaling by the largest entry where squares
would underflow or overflow, and products of Jacobians are carried as mantissa × 2^exponent.
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import numpy as np

from app.core import bptt
from app.core.connectivity import connectivity, connectivity_from
from app.core.init import GATES, sigma_max
from app.core.jacobians import (
    RESCALE_EVERY,
    Jacobians,
    activation_slope,
    jacobians,
    previous,
    rescale,
    times_jacobian,
)
from app.core.spectral import spectral_norms

__all__ = [
    "analyse",
    "connectivity",
    "first_nonfinite",
    "grad_hidden_bound",
    "grad_norms",
    "jacobian_norms",
    "nonfinite_steps",
    "readout_grad_hidden",
    "weight_grad_contributions",
    "weight_grad_terms",
]

# A sum of squares s ≥ SQUARES_MIN is as exact as float64 rounding makes it: what underflowed on the way
# (squares, or products inside a matrix product, each off by less than 2^−1074) is, even a million times
# over, below 2^−150 of s and 2^−600 of √s; and a finite s met no overflow, its terms being non-negative.
# Norms whose s falls outside [SQUARES_MIN, ∞) are computed again after scaling.
SQUARES_MIN = 2.0**-900
WEIGHT_GRAD_FORMS = ("auto", "direct", "gram")


def first_nonfinite(arr: np.ndarray) -> int | None:
    """0-based index, along the first (time) axis, of the first step holding a NaN or ±inf; None if none."""
    arr = np.asarray(arr)
    if arr.size == 0:
        return None
    with np.errstate(all="ignore"):  # finite entries can overflow the sum; then they are tested one by one
        if np.isfinite(arr.sum()):  # a finite sum proves every entry finite, in one pass with no temporary
            return None
    bad = ~np.isfinite(arr.reshape(arr.shape[0], -1)).all(axis=1)
    return int(np.argmax(bad)) if bad.any() else None


def grad_norms(trace) -> dict[str, np.ndarray]:
    """‖dL/dh_t‖₂ per step and example: "hidden" (T, B) and its batch mean "hidden_mean" (T,); for the LSTM
    also "cell" (T, B) = ‖dL/dc_t‖₂ and "cell_mean" (T,). These are the total derivatives the backward pass
    reached, so with truncation the steps just before a chunk boundary show only their own loss."""
    if trace.grad_hidden is None:
        raise ValueError("the trace has no gradients: run the model with backward=True")
    with np.errstate(all="ignore"):
        hidden = _norm(trace.grad_hidden)  # (T, B)
        out = {"hidden": hidden, "hidden_mean": hidden.mean(axis=1)}
        if trace.grad_cell is not None:
            cell = _norm(trace.grad_cell)  # (T, B)
            out.update(cell=cell, cell_mean=cell.mean(axis=1))
    return out


def nonfinite_steps(trace, norms: dict[str, np.ndarray] | None = None) -> dict[str, int | None]:
    """Where each pass first met a non-finite number (0-based steps, None where it met none):
    "forward", the earliest t whose h_t, c_t, ŷ_t or step loss is not finite; "backward", the latest t whose
    batch-mean ‖dL/dh_t‖₂ (or ‖dL/dc_t‖₂) is not finite, the first such step of the backward pass, which runs
    from T down to 1. The backward step is where the plotted gradient curve stops; an overflowing forward
    pass often breaks only the loss at its last step while the gradient stays finite for many steps back.
    `norms`: grad_norms(trace), where the caller has it already."""
    arrays = [trace.hidden, trace.cell, trace.outputs, trace.step_loss]
    forward = [s for a in arrays if a is not None and (s := first_nonfinite(a)) is not None]
    backward = None
    if trace.grad_hidden is not None:
        norms = grad_norms(trace) if norms is None else norms
        curves = [norms["hidden_mean"]] + ([norms["cell_mean"]] if "cell_mean" in norms else [])
        bad = np.flatnonzero(~np.all(np.isfinite(np.stack(curves)), axis=0))
        backward = int(bad[-1]) if bad.size else None
    return {"forward": min(forward) if forward else None, "backward": backward}


def readout_grad_hidden(model, trace) -> np.ndarray:
    """d_t = ∂ℓ_t/∂h_t (T, B, H) for the RNN: the readout's direct gradient at step t, the part of dL/dh_t
    that does not come through h_{t+1} (zero at steps without loss). From the recorded total δh_t and the
    recurrence of app/core/rnn.py:
        d_t = δh_t − W_hhᵀ (δh_{t+1} ⊙ φ'_{t+1}),   nothing subtracted where bptt.cut(t + 1, truncate)
    with φ' exactly as the backward pass computed it (1 − h², or [h > 0], which is 0 at a NaN state).
    Exact up to rounding of the size of ε·‖W_hhᵀ δa_{t+1}‖, which the sum in grad_hidden_bound dominates."""
    if model.kind != "rnn":
        raise ValueError("the direct gradient is recovered through the RNN's recurrence only")
    if trace.grad_hidden is None:
        raise ValueError("the trace has no gradients: run the model with backward=True")
    h = np.asarray(trace.hidden, dtype=np.float64)  # (T, B, H)
    dh = np.asarray(trace.grad_hidden, dtype=np.float64)
    W_hh = np.asarray(model.params["W_hh"], dtype=np.float64)
    with np.errstate(all="ignore"):
        slope = (h > 0).astype(np.float64) if model.activation == "relu" else 1 - h * h
        carry = (dh[1:] * slope[1:]) @ W_hh  # (T−1, B, H): W_hhᵀ δa_{t+1}, rows as in rnn.backward
        cut = np.array([bptt.cut(t, trace.truncate) for t in range(1, len(h))], dtype=bool)
        carry[cut] = 0.0
        direct = dh.copy()
        direct[:-1] -= carry
    return direct


def grad_hidden_bound(model, trace) -> dict[str, np.ndarray] | None:
    """An upper bound on ‖dL/dh_t‖₂ for the RNN, for any loss_on and truncation; None for the gated cells.
    "hidden" (T, B) per example and "hidden_mean" (T,) its batch mean, which bounds grad_norms' batch mean
    of ‖dL/dh_t‖₂ step by step:
        ‖dL/dh_t‖ ≤ Σ_{s ≥ t, s in t's truncation chunk} ‖d_s‖ (γ σ_max(W_hh))^(s−t)
    with d_s the readout's direct gradient (readout_grad_hidden) and γ = 1 ≥ |φ'| for tanh and relu: each
    step back adds d_t and multiplies the rest by diag(φ'_{t+1}) W_hhᵀ, whose norm is at most γ σ_max
    (Pascanu et al. 2013). With loss at the last step only it is jacobian_norms' bound times ‖dL/dh_T‖.
    Summed from the end (b_t = ‖d_t‖ + γσ b_{t+1}), so it overflows only where its value does."""
    if model.kind != "rnn":
        return None
    direct = _norm(readout_grad_hidden(model, trace))  # (T, B)
    W_hh = model.params["W_hh"]
    rate = 1.0 * (sigma_max(W_hh) if np.isfinite(W_hh).all() else np.nan)  # γ σ_max(W_hh), γ = 1
    bound = direct.copy()
    with np.errstate(all="ignore"):
        for t in range(len(direct) - 2, -1, -1):
            if not bptt.cut(t + 1, trace.truncate):  # the gradient of step t + 1 flows back into t
                bound[t] += rate * bound[t + 1]
        return {"hidden": bound, "hidden_mean": bound.mean(axis=1)}


def weight_grad_terms(model, trace) -> dict[str, np.ndarray]:
    """Step t's term of each recurrent weight's gradient, (T, H, H) per name, summed over the batch:
    RNN "W_hh"; LSTM "W_f", "W_i", "W_g", "W_o" and GRU "W_z", "W_r", "W_n", their state (h) columns only.
    Summed over t they give the first H columns of trace.grads[name] (all of W_hh for the RNN).

    Each term is δa_tᵀ v_t: δa_t = dL/d(pre-activation) at step t (B, H), from the recorded total dL/dh_t
    (and dL/dc_t), and v_t (B, H) the state the weight multiplies (see _term_factors)."""
    with np.errstate(all="ignore"):
        return {
            name: delta.transpose(0, 2, 1) @ v for name, (delta, v) in _term_factors(model, trace).items()
        }


def weight_grad_contributions(model, trace, form: str = "auto") -> dict[str, np.ndarray]:
    """‖step t's term‖_F (T,) for each recurrent weight (see weight_grad_terms): how much each step adds to
    dW_hh (or to the state columns of dW_f…), which shows how few early steps reach the weights.

    Two exact forms of the same number; per step and weight, with δ = δa_t and v = v_t (B, H):
        "direct"  ‖δᵀv‖_F from the (H, H) term itself                                    B·H² multiplications
        "gram"    ‖δᵀv‖_F² = Σ_{b,b'} (δδᵀ)_{bb'} (vvᵀ)_{bb'}: two (B, B) Gram matrices,  B²·H
                  the one of v shared by the gates of a cell
    "auto" takes "direct" when B ≥ H (training batches: 32 examples, 16 units), "gram" when the batch is
    smaller than the hidden layer (a trace of a few examples through a wide one). Neither lets a gradient of
    1e−200 square to zero: "gram" scales δ and v by powers of two first, "direct" computes again, so scaled,
    only the steps whose sum of squares falls outside the safe range (see SQUARES_MIN)."""
    if form not in WEIGHT_GRAD_FORMS:
        raise ValueError(f"form must be one of {WEIGHT_GRAD_FORMS}, not {form!r}")
    _, B, H = trace.hidden.shape
    if form == "auto":
        form = "direct" if B >= H else "gram"
    with np.errstate(all="ignore"):
        factors = _term_factors(model, trace)
        if form == "direct":
            return {name: _product_norms(delta, v) for name, (delta, v) in factors.items()}
        out, v_grams = {}, {}
        for name, (delta, v) in factors.items():
            if id(v) not in v_grams:  # the gates of a cell share h_{t−1}: one Gram matrix serves them all
                scaled, e_v = rescale(v, axis=(1, 2))
                v_grams[id(v)] = (scaled @ scaled.transpose(0, 2, 1), e_v)  # (T, B, B)
            v_gram, e_v = v_grams[id(v)]
            delta, e_delta = rescale(delta, axis=(1, 2))
            gram = np.sum((delta @ delta.transpose(0, 2, 1)) * v_gram, axis=(1, 2))  # (T,)
            out[name] = np.ldexp(np.sqrt(np.maximum(gram, 0.0)), e_delta + e_v)
        return out


def _product_norms(delta: np.ndarray, v: np.ndarray) -> np.ndarray:
    """‖δ_tᵀ v_t‖_F (T,) for δ, v (T, B, H). Computed as it is; the steps whose sum of squares is below
    SQUARES_MIN (a zero step too, such as the first, where v = h_0 = 0) or not finite are computed again
    from δ and v scaled by powers of two (the norm of an exact rescaling, scaled back exactly), so tiny and
    huge gradients keep their value and NaN stays NaN."""
    T = len(delta)
    term = delta.transpose(0, 2, 1) @ v  # (T, H, H)
    squares = np.vecdot(term.reshape(T, -1), term.reshape(T, -1))  # (T,)
    norms = np.sqrt(squares)
    redo = ~((squares >= SQUARES_MIN) & (squares < np.inf))
    if redo.any():
        d, e_d = rescale(delta[redo], axis=(1, 2))
        s, e_s = rescale(v[redo], axis=(1, 2))
        term = (d.transpose(0, 2, 1) @ s).reshape(len(d), -1)
        norms[redo] = np.ldexp(np.sqrt(np.vecdot(term, term)), e_d + e_s)
    return norms


def _term_factors(model, trace) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(δa, v), both (T, B, H), per recurrent weight, so that its step-t gradient term is δa_tᵀ v_t:
        RNN   δa = dL/dh_t ⊙ φ'_t                                   v = h_{t−1}
        LSTM  δo = dL/dh_t ⊙ tanh(c_t) σ'(o_t),  δf = dL/dc_t ⊙ c_{t−1} σ'(f_t),
              δi = dL/dc_t ⊙ g_t σ'(i_t),  δg = dL/dc_t ⊙ i_t (1 − g_t²)   v = h_{t−1}
        GRU   δz = dL/dh_t ⊙ (h_{t−1} − n_t) σ'(z_t),  δn = dL/dh_t ⊙ (1 − z_t)(1 − n_t²),
              δr = (δn W_nh) ⊙ h_{t−1} σ'(r_t)                       v = h_{t−1}, and r_t ⊙ h_{t−1} for W_n
              in PyTorch's form (q_t = W_nh h_{t−1} + b_hn): δr = δn ⊙ q_t σ'(r_t), and W_n's term is
              (δn ⊙ r_t)ᵀ h_{t−1}
    (the total dL/dh_t and dL/dc_t already hold everything later steps pass back)."""
    if trace.grad_hidden is None:
        raise ValueError("the trace has no gradients: run the model with backward=True")
    h = np.asarray(trace.hidden, dtype=np.float64)  # (T, B, H)
    dh = np.asarray(trace.grad_hidden, dtype=np.float64)
    h_prev = previous(h)
    if model.kind == "rnn":
        return {"W_hh": (dh * activation_slope(model, h), h_prev)}
    if model.kind == "lstm":
        f, i, g, o = (np.asarray(trace.gates[k], dtype=np.float64) for k in GATES["lstm"])
        c = np.asarray(trace.cell, dtype=np.float64)
        dc = np.asarray(trace.grad_cell, dtype=np.float64)
        return {
            "W_f": (dc * previous(c) * f * (1 - f), h_prev),
            "W_i": (dc * g * i * (1 - i), h_prev),
            "W_g": (dc * i * (1 - g * g), h_prev),
            "W_o": (dh * np.tanh(c) * o * (1 - o), h_prev),
        }
    z, r, n = (np.asarray(trace.gates[k], dtype=np.float64) for k in GATES["gru"])
    W_nh = np.asarray(model.params["W_n"], dtype=np.float64)[:, : h.shape[2]]
    d_n = dh * (1 - z) * (1 - n * n)  # (T, B, H)
    if "b_hn" in model.params:
        q = h_prev @ W_nh.T + np.asarray(model.params["b_hn"], dtype=np.float64)  # (T, B, H)
        return {
            "W_z": (dh * (h_prev - n) * z * (1 - z), h_prev),
            "W_r": (d_n * q * r * (1 - r), h_prev),
            "W_n": (d_n * r, h_prev),
        }
    return {
        "W_z": (dh * (h_prev - n) * z * (1 - z), h_prev),
        "W_r": ((d_n @ W_nh) * h_prev * r * (1 - r), h_prev),
        "W_n": (d_n, r * h_prev),
    }


def jacobian_norms(model, trace, example: int = 0) -> dict[str, np.ndarray | None]:
    """ "norm" (T,): ‖∂s_T/∂s_t‖₂ (spectral norm) for every step t, s = h (RNN, GRU) or (h, c) (LSTM), for one
    example; 1 at t = T. "bound" (T,): (γ σ_max(W_hh))^(T−t) for the RNN (γ = 1 bounds both tanh' and relu',
    Pascanu et al. 2013), None for the gated cells, whose gates have no such bound.

    ∂s_T/∂s_t = J_T J_{T−1} ⋯ J_{t+1} is built from the end, one matrix product per step."""
    return _jacobian_norms(model, jacobians(model, trace, example))


def _jacobian_norms(model, jac: Jacobians) -> dict[str, np.ndarray | None]:
    T, S = jac.J.shape[:2]
    with np.errstate(all="ignore"):
        products = np.empty((T, S, S))  # mantissas of ∂s_T/∂s_t
        exponents = np.zeros(T, dtype=np.int64)  # ∂s_T/∂s_t = products[t] · 2^exponents[t]
        products[T - 1] = np.eye(S)
        for t in range(T - 2, -1, -1):
            times_jacobian(products[t + 1], jac, t + 1, products[t])
            exponents[t] = exponents[t + 1]
            if t % RESCALE_EVERY == 0:
                products[t], e = rescale(products[t])
                exponents[t] += e
        norm = np.ldexp(spectral_norms(products), exponents)
        bound = None
        if model.kind == "rnn":
            gamma = 1.0  # max |φ'| for tanh and for relu
            W_hh = model.params["W_hh"]
            sigma = sigma_max(W_hh) if np.isfinite(W_hh).all() else np.nan
            bound = np.power(gamma * sigma, np.arange(T - 1, -1, -1.0))
    return {"norm": norm, "bound": bound}


def analyse(model, trace, example: int = 0, parallel: bool = False) -> dict:
    """Every analysis above for one run, the step Jacobians computed once: "grad_norms",
    "weight_grad_contributions" (None without a backward pass), "jacobian_norms" and "connectivity".

    parallel=True computes ‖∂s_T/∂s_t‖₂ on a second thread while this one does the rest (about as long).
    They only read the trace and the Jacobians, and NumPy lets go of the GIL inside its array operations,
    so on two cores the two halves overlap, with the same numbers. Only with one BLAS thread per call (app.blas.single_threaded_blas, as the server
    runs): OpenBLAS's own thread pool and a second thread of ours fight over the cores otherwise."""
    jac = jacobians(model, trace, example)
    backward = trace.grad_hidden is not None
    with ThreadPoolExecutor(max_workers=1) if parallel else nullcontext() as beside:
        norms = beside.submit(_jacobian_norms, model, jac) if beside else None
        found = {
            "grad_norms": grad_norms(trace) if backward else None,
            "weight_grad_contributions": weight_grad_contributions(model, trace) if backward else None,
            "connectivity": connectivity_from(model, trace, example, jac),
        }
        found["jacobian_norms"] = norms.result() if norms else _jacobian_norms(model, jac)
    return found


def _norm(a: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis. Summed as it is where the sum of squares lies in the safe range (see
    SQUARES_MIN), one pass with no temporary; elsewhere scaled by the largest entry first, so that neither tiny
    (< 1e-154) nor huge (> 1e154) entries underflow or overflow when squared. NaN and inf pass through."""
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        squares = np.vecdot(a, a)
        out = np.sqrt(squares)
        redo = ~((squares >= SQUARES_MIN) & (squares < np.inf))
        rows = a[redo]  # (N, last)
        if rows.any():  # rows of zeros (steps no loss reaches) have their norm, 0, already
            m = np.abs(rows).max(axis=-1, keepdims=True)
            safe = np.where((m > 0) & np.isfinite(m), m, 1.0)
            out[redo] = np.sqrt(np.sum((rows / safe) ** 2, axis=-1)) * safe[:, 0]
    return out
