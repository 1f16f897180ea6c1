"""Per-step analyses of one recorded run: where the gradient goes back in time, and why it fades.

Pure functions of (model, trace); shape letters as in app.core (T steps, B examples, D inputs, H hidden
units, K outputs), plus S for the size of the recurrent state s_t: H for the RNN and GRU, 2H for the LSTM,
whose state is (h_t, c_t), h first. Steps are 0-based in the arrays: index t holds step t+1 of the lecture.

Everything below is read from the trace (h_t, c_t, the gates, dL/dh_t, dL/dc_t) and the params; nothing is
rerun. With φ' the activation's derivative (1 − h_t² for tanh, [h_t > 0] for relu), σ' = σ(1 − σ),
W_·h / W_·x the state / input columns of a gate's W_·, and h_{t−1}, c_{t−1} zero before the first step,
the one-step state Jacobians J_t = ∂s_t/∂s_{t−1} and input Jacobians X_t = ∂s_t/∂x_t are:
    RNN   J_t = diag(φ'_t) W_hh                                  X_t = diag(φ'_t) W_xh
    LSTM  ∂c_t/∂h_{t−1} = diag(c_{t−1} σ'(f_t)) W_fh + diag(g_t σ'(i_t)) W_ih + diag(i_t (1 − g_t²)) W_gh
          ∂c_t/∂c_{t−1} = diag(f_t)
          ∂h_t/∂h_{t−1} = diag(tanh(c_t) σ'(o_t)) W_oh + diag(o_t (1 − tanh²(c_t))) ∂c_t/∂h_{t−1}
          ∂h_t/∂c_{t−1} = diag(o_t (1 − tanh²(c_t)) f_t)           (X_t: the same with the W_·x columns)
    GRU   with ∂a_n/∂h_{t−1} = W_nh diag(r_t) + W_nh diag(h_{t−1} σ'(r_t)) W_rh:
          J_t = diag(z_t) + diag((h_{t−1} − n_t) σ'(z_t)) W_zh + diag((1 − z_t)(1 − n_t²)) ∂a_n/∂h_{t−1}
and the readout's R_t = ∂ŷ_t/∂h_t is W_hy (linear) or (diag(ŷ_t) − ŷ_t ŷ_tᵀ) W_hy (softmax).
These are the Jacobians of the forward map. Truncated BPTT changes which gradients the backward pass
computes, not how the state moves, so jacobian_norms and connectivity ignore `trace.truncate`;
grad_norms and weight_grad_contributions read the gradients the (possibly truncated) pass produced, and
grad_hidden_bound sums only within a truncation chunk, as that pass does.

Exploding runs: every function runs under np.errstate(all="ignore") and leaves NaN/inf in its result for
the caller to flag (first_nonfinite). Long products of Jacobians leave the float64 range long before they
stop being meaningful on a log scale (0.02^100 = 1e-170, whose square underflows), so norms are taken after
scaling by the largest entry, and the products are carried as mantissa × 2^exponent.
"""

from typing import NamedTuple

import numpy as np

from app.core import bptt
from app.core.init import GATES, sigma_max
from app.core.spectral import spectral_norms

RESCALE_EVERY = 8  # steps between exact power-of-two rescalings of a running product of Jacobians
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
                scaled, e_v = _rescale(v, axis=(1, 2))
                v_grams[id(v)] = (scaled @ scaled.transpose(0, 2, 1), e_v)  # (T, B, B)
            v_gram, e_v = v_grams[id(v)]
            delta, e_delta = _rescale(delta, axis=(1, 2))
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
        d, e_d = _rescale(delta[redo], axis=(1, 2))
        s, e_s = _rescale(v[redo], axis=(1, 2))
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
    (the total dL/dh_t and dL/dc_t already hold everything later steps pass back)."""
    if trace.grad_hidden is None:
        raise ValueError("the trace has no gradients: run the model with backward=True")
    h = np.asarray(trace.hidden, dtype=np.float64)  # (T, B, H)
    dh = np.asarray(trace.grad_hidden, dtype=np.float64)
    h_prev = _previous(h)
    if model.kind == "rnn":
        return {"W_hh": (dh * _activation_slope(model, h), h_prev)}
    if model.kind == "lstm":
        f, i, g, o = (np.asarray(trace.gates[k], dtype=np.float64) for k in GATES["lstm"])
        c = np.asarray(trace.cell, dtype=np.float64)
        dc = np.asarray(trace.grad_cell, dtype=np.float64)
        return {
            "W_f": (dc * _previous(c) * f * (1 - f), h_prev),
            "W_i": (dc * g * i * (1 - i), h_prev),
            "W_g": (dc * i * (1 - g * g), h_prev),
            "W_o": (dh * np.tanh(c) * o * (1 - o), h_prev),
        }
    z, r, n = (np.asarray(trace.gates[k], dtype=np.float64) for k in GATES["gru"])
    W_nh = np.asarray(model.params["W_n"], dtype=np.float64)[:, : h.shape[2]]
    d_n = dh * (1 - z) * (1 - n * n)  # (T, B, H)
    return {
        "W_z": (dh * (h_prev - n) * z * (1 - z), h_prev),
        "W_r": ((d_n @ W_nh) * h_prev * r * (1 - r), h_prev),
        "W_n": (d_n, r * h_prev),
    }


def step_jacobians(model, trace, example: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """For one example: J (T, S, S) with J[t] = ∂s_t/∂s_{t−1}, and X (T, S, D) with X[t] = ∂s_t/∂x_t
    (formulas in the module docstring; J[0] is the derivative with respect to the zero initial state)."""
    jac = _jacobians(model, trace, example)
    if jac.diagonal is None:
        return jac.J, jac.X
    T, S, H = jac.J.shape
    J = np.zeros((T, S, S))
    J[:, :, :H] = jac.J
    diag = np.arange(H)
    J[:, diag, H + diag] = jac.diagonal[:, :H]
    J[:, H + diag, H + diag] = jac.diagonal[:, H:]
    return J, jac.X


class _Jacobians(NamedTuple):
    """The step Jacobians as the products below use them. J is (T, S, S), except for the LSTM, whose
    c columns are diagonal blocks: there J (T, S, H) holds the h columns only and `diagonal` (T, S) the two
    diagonals, ∂h_t/∂c_{t−1} then ∂c_t/∂c_{t−1}. X (T, S, D)."""

    J: np.ndarray
    X: np.ndarray
    diagonal: np.ndarray | None


def _jacobians(model, trace, example: int) -> _Jacobians:
    p = _float64(model.params)
    with np.errstate(all="ignore"):
        h = np.asarray(trace.hidden[:, example], dtype=np.float64)  # (T, H)
        H = h.shape[1]
        h_prev = _previous(h)
        if model.kind == "rnn":
            slope = _activation_slope(model, h)[:, :, None]  # (T, H, 1)
            return _Jacobians(slope * p["W_hh"], slope * p["W_xh"], None)
        if model.kind == "lstm":
            f, i, g, o = (np.asarray(trace.gates[k][:, example], dtype=np.float64) for k in GATES["lstm"])
            c = np.asarray(trace.cell[:, example], dtype=np.float64)  # (T, H)
            tanh_c = np.tanh(c)
            via_f = (_previous(c) * f * (1 - f))[:, :, None]  # (T, H, 1) ∂c_t/∂a_f
            via_i = (g * i * (1 - i))[:, :, None]
            via_g = (i * (1 - g * g))[:, :, None]
            via_o = (tanh_c * o * (1 - o))[:, :, None]  # ∂h_t/∂a_o
            h_from_c = o * (1 - tanh_c * tanh_c)  # (T, H) ∂h_t/∂c_t, diagonal
            W_f, W_i, W_g, W_o = p["W_f"], p["W_i"], p["W_g"], p["W_o"]
            c_from = via_f * W_f + via_i * W_i + via_g * W_g  # (T, H, H+D) ∂c_t/∂[h_{t−1}; x_t]
            h_from = via_o * W_o + h_from_c[:, :, None] * c_from  # (T, H, H+D) ∂h_t/∂[h_{t−1}; x_t]
            both = np.concatenate([h_from, c_from], axis=1)  # (T, 2H, H+D) ∂(h_t, c_t)/∂[h_{t−1}; x_t]
            return _Jacobians(both[:, :, :H], both[:, :, H:], np.concatenate([h_from_c * f, f], axis=1))
        z, r, n = (np.asarray(trace.gates[k][:, example], dtype=np.float64) for k in GATES["gru"])
        W_zh, W_zx = p["W_z"][:, :H], p["W_z"][:, H:]
        W_rh, W_rx = p["W_r"][:, :H], p["W_r"][:, H:]
        W_nh, W_nx = p["W_n"][:, :H], p["W_n"][:, H:]
        via_z = ((h_prev - n) * z * (1 - z))[:, :, None]  # (T, H, 1) ∂h_t/∂a_z
        via_n = ((1 - z) * (1 - n * n))[:, :, None]  # ∂h_t/∂a_n
        n_via_r = W_nh * (h_prev * r * (1 - r))[:, None, :]  # (T, H, H) ∂a_n/∂a_r
        J = via_z * W_zh + via_n * (W_nh * r[:, None, :] + n_via_r @ W_rh)
        J[:, np.arange(H), np.arange(H)] += z
        return _Jacobians(J, via_z * W_zx + via_n * (W_nx + n_via_r @ W_rx), None)


def readout_jacobians(model, trace, example: int = 0) -> np.ndarray:
    """R (T, K, H) with R[t] = ∂ŷ_t/∂h_t for one example."""
    W_hy = np.asarray(model.params["W_hy"], dtype=np.float64)  # (K, H)
    T = trace.hidden.shape[0]
    if model.output == "linear":
        return np.broadcast_to(W_hy, (T, *W_hy.shape))
    with np.errstate(all="ignore"):
        y = np.asarray(trace.outputs[:, example], dtype=np.float64)[:, :, None]  # (T, K, 1)
        return y * (W_hy - np.sum(y * W_hy, axis=1, keepdims=True))  # (diag(ŷ) − ŷŷᵀ) W_hy


def jacobian_norms(model, trace, example: int = 0) -> dict[str, np.ndarray | None]:
    """ "norm" (T,): ‖∂s_T/∂s_t‖₂ (spectral norm) for every step t, s = h (RNN, GRU) or (h, c) (LSTM), for one
    example; 1 at t = T. "bound" (T,): (γ σ_max(W_hh))^(T−t) for the RNN (γ = 1 bounds both tanh' and relu',
    Pascanu et al. 2013), None for the gated cells, whose gates have no such bound.

    ∂s_T/∂s_t = J_T J_{T−1} ⋯ J_{t+1} is built from the end, one matrix product per step."""
    return _jacobian_norms(model, _jacobians(model, trace, example))


def _jacobian_norms(model, jac: _Jacobians) -> dict[str, np.ndarray | None]:
    T, S = jac.J.shape[:2]
    with np.errstate(all="ignore"):
        products = np.empty((T, S, S))  # mantissas of ∂s_T/∂s_t
        exponents = np.zeros(T, dtype=np.int64)  # ∂s_T/∂s_t = products[t] · 2^exponents[t]
        products[T - 1] = np.eye(S)
        for t in range(T - 2, -1, -1):
            _times_jacobian(products[t + 1], jac, t + 1, products[t])
            exponents[t] = exponents[t + 1]
            if t % RESCALE_EVERY == 0:
                products[t], e = _rescale(products[t])
                exponents[t] += e
        norm = np.ldexp(spectral_norms(products), exponents)
        bound = None
        if model.kind == "rnn":
            gamma = 1.0  # max |φ'| for tanh and for relu
            W_hh = model.params["W_hh"]
            sigma = sigma_max(W_hh) if np.isfinite(W_hh).all() else np.nan
            bound = np.power(gamma * sigma, np.arange(T - 1, -1, -1.0))
    return {"norm": norm, "bound": bound}


def connectivity(model, trace, example: int = 0) -> np.ndarray:
    """C (T, T) with C[t, s] = ‖∂ŷ_t/∂x_s‖_F for s ≤ t and NaN for s > t (the output cannot see the future):
    how strongly the output at step t still depends on the input at step s (Madsen, "Visualizing memorization
    in RNNs", Distill 2019).

    All T output Jacobians G_t = ∂ŷ_t/∂s_s (K, S) go back in time together: at step s every row t ≥ s gives
    C[t, s] = ‖G_t X_s‖_F, then G_t ← G_t J_s moves it one step further back. One (T·K, S) × (S, S) product
    per step instead of T separate backward passes.

    Only Frobenius norms are needed, and ‖Q A‖_F = ‖A‖_F = ‖A Q'ᵀ‖_F for Q, Q' with orthonormal columns, so
    when K > H each R_t = Q U (QR) is replaced by its H × H factor U, and when D > S each X_s = (Q'U')ᵀ by the
    S × S factor U'ᵀ: a 198-character text task then carries H rows per step, not 198."""
    return _connectivity(model, trace, example, _jacobians(model, trace, example))


def _connectivity(model, trace, example: int, jac: _Jacobians) -> np.ndarray:
    R = readout_jacobians(model, trace, example)  # (T, K, H)
    X = jac.X
    T, S = X.shape[:2]
    H = model.hidden_size
    C = np.full((T, T), np.nan)
    with np.errstate(all="ignore"):
        if R.shape[1] > H:
            R = np.linalg.qr(R, mode="r")  # (T, H, H)
        if X.shape[2] > S:
            X = np.linalg.qr(X.transpose(0, 2, 1), mode="r").transpose(0, 2, 1)  # (T, S, S)
        K, D = R.shape[1], X.shape[2]
        X, x_exponents = _rescale(X, axis=(1, 2))
        G = np.zeros((T, K, S))  # mantissas of ∂ŷ_t/∂s_s, rows t ≥ s in use
        G[:, :, :H] = R  # ∂ŷ_t/∂s_t: the readout sees h_t only
        G, exponents = _rescale(G, axis=(1, 2))  # ∂ŷ_t/∂s_s = G[t] · 2^exponents[t]
        moved = G.copy()  # the other buffer: rows t < s must hold ∂ŷ_t/∂s_t in both
        for s in range(T - 1, -1, -1):
            rows = G[s:].reshape(-1, S)  # ((T−s)·K, S), a view
            dy_dx = (rows @ X[s]).reshape(T - s, K * D)  # ∂ŷ_t/∂x_s for t ≥ s, flattened
            C[s:, s] = np.ldexp(np.sqrt(np.sum(dy_dx * dy_dx, axis=1)), exponents[s:] + x_exponents[s])
            if s > 0:
                _times_jacobian(rows, jac, s, moved[s:].reshape(-1, S))
                G, moved = moved, G
                if s % RESCALE_EVERY == 0:
                    G[s:], e = _rescale(G[s:], axis=(1, 2))
                    exponents[s:] += e
    return C


def analyse(model, trace, example: int = 0) -> dict:
    """Every analysis above for one run, the step Jacobians computed once: "grad_norms",
    "weight_grad_contributions" (None without a backward pass), "jacobian_norms" and "connectivity"."""
    jac = _jacobians(model, trace, example)
    backward = trace.grad_hidden is not None
    return {
        "grad_norms": grad_norms(trace) if backward else None,
        "weight_grad_contributions": weight_grad_contributions(model, trace) if backward else None,
        "jacobian_norms": _jacobian_norms(model, jac),
        "connectivity": _connectivity(model, trace, example, jac),
    }


def _times_jacobian(rows: np.ndarray, jac: _Jacobians, t: int, out: np.ndarray) -> None:
    """out = rows @ J_t. The LSTM's J_t has diagonal blocks in its c columns (∂h_t/∂c_{t−1} = diag(o_t (1 −
    tanh²(c_t)) f_t), ∂c_t/∂c_{t−1} = diag(f_t)), so only its h columns need a matrix product and the c
    columns are two elementwise products: half the work."""
    if jac.diagonal is None:
        np.matmul(rows, jac.J[t], out=out)
        return
    H = jac.J.shape[2]
    np.matmul(rows, jac.J[t], out=out[:, :H])
    np.multiply(rows[:, :H], jac.diagonal[t, :H], out=out[:, H:])
    out[:, H:] += rows[:, H:] * jac.diagonal[t, H:]


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


def _rescale(a: np.ndarray, axis: tuple[int, ...] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(a · 2^−e, e) with e chosen so the largest |entry| over `axis` lies in [0.5, 1): an exact rescaling
    (a power of two) that keeps long products inside the float64 range. Zero or non-finite blocks keep e = 0."""
    m = np.abs(a).max(axis=axis, keepdims=axis is not None)
    _, e = np.frexp(np.where(np.isfinite(m), m, 0.0))  # frexp(0) gives e = 0
    scaled = np.ldexp(a, -e)
    return scaled, (e if axis is None else np.squeeze(e, axis=axis))


def _previous(a: np.ndarray) -> np.ndarray:
    """a_{t−1} for every t along the first axis, zero before the first step (h_0 = c_0 = 0)."""
    prev = np.zeros_like(a)
    prev[1:] = a[:-1]
    return prev


def _activation_slope(model, h: np.ndarray) -> np.ndarray:
    """φ'(a_t) from h_t = φ(a_t): 1 − h_t² for tanh, [h_t > 0] for relu (NaN where h_t is NaN, so that a
    state that blew up makes the Jacobians through it NaN rather than zero)."""
    if model.activation == "relu":
        return np.where(np.isnan(h), np.nan, h > 0)
    return 1 - h * h


def _float64(params: dict) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
