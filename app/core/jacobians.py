"""The one-step Jacobians of a recorded run, which analysis.py (‖∂s_T/∂s_t‖₂) and connectivity.py
(‖∂ŷ_t/∂x_s‖_F) multiply together, and the exact power-of-two rescaling that keeps their products in range.

S is the size of the recurrent state s_t: H for the RNN and GRU, 2H for the LSTM, whose state is (h_t, c_t),
h first. Everything is read from the trace (h_t, c_t, the gates) and the params; nothing is rerun. With φ'
the activation's derivative (1 − h_t² for tanh, [h_t > 0] for relu), σ' = σ(1 − σ), W_·h / W_·x the state /
input columns of a gate's W_·, and h_{t−1}, c_{t−1} zero before the first step, the one-step state Jacobians
J_t = ∂s_t/∂s_{t−1} and input Jacobians X_t = ∂s_t/∂x_t are:
    RNN   J_t = diag(φ'_t) W_hh                                  X_t = diag(φ'_t) W_xh
    LSTM  ∂c_t/∂h_{t−1} = diag(c_{t−1} σ'(f_t)) W_fh + diag(g_t σ'(i_t)) W_ih + diag(i_t (1 − g_t²)) W_gh
          ∂c_t/∂c_{t−1} = diag(f_t)
          ∂h_t/∂h_{t−1} = diag(tanh(c_t) σ'(o_t)) W_oh + diag(o_t (1 − tanh²(c_t))) ∂c_t/∂h_{t−1}
          ∂h_t/∂c_{t−1} = diag(o_t (1 − tanh²(c_t)) f_t)           (X_t: the same with the W_·x columns)
    GRU   with ∂a_n/∂h_{t−1} = W_nh diag(r_t) + W_nh diag(h_{t−1} σ'(r_t)) W_rh:
          J_t = diag(z_t) + diag((h_{t−1} − n_t) σ'(z_t)) W_zh + diag((1 − z_t)(1 − n_t²)) ∂a_n/∂h_{t−1}
          (PyTorch's form, q_t = W_nh h_{t−1} + b_hn: ∂a_n/∂h_{t−1} = diag(r_t) W_nh + diag(q_t σ'(r_t)) W_rh)
and the readout's R_t = ∂ŷ_t/∂h_t is W_hy (linear) or (diag(ŷ_t) − ŷ_t ŷ_tᵀ) W_hy (softmax).
These are the Jacobians of the forward map: truncated BPTT changes which gradients the backward pass
computes, not how the state moves, so nothing here reads `trace.truncate`.

Long products of Jacobians leave the float64 range long before they stop being meaningful on a log scale
(0.02^100 = 1e-170, whose square underflows), so the products are carried as mantissa × 2^exponent: every
RESCALE_EVERY steps `rescale` moves a power of two from the mantissas into the exponents, which is exact.
"""

from typing import NamedTuple

import numpy as np

from app.core.init import GATES

RESCALE_EVERY = 8  # steps between exact power-of-two rescalings of a running product of Jacobians


class Jacobians(NamedTuple):
    """The step Jacobians of one example as the products use them. J is (T, S, S), except for the LSTM,
    whose c columns are diagonal blocks: there J (T, S, H) holds the h columns only and `diagonal` (T, S) the
    two diagonals, ∂h_t/∂c_{t−1} then ∂c_t/∂c_{t−1}. X (T, S, D)."""

    J: np.ndarray
    X: np.ndarray
    diagonal: np.ndarray | None


def jacobians(model, trace, example: int) -> Jacobians:
    """J_t and X_t (formulas in the module docstring) of one example, for every step."""
    p = {k: np.asarray(v, dtype=np.float64) for k, v in model.params.items()}
    with np.errstate(all="ignore"):
        h = np.asarray(trace.hidden[:, example], dtype=np.float64)  # (T, H)
        H = h.shape[1]
        h_prev = previous(h)
        if model.kind == "rnn":
            slope = activation_slope(model, h)[:, :, None]  # (T, H, 1)
            return Jacobians(slope * p["W_hh"], slope * p["W_xh"], None)
        if model.kind == "lstm":
            f, i, g, o = (np.asarray(trace.gates[k][:, example], dtype=np.float64) for k in GATES["lstm"])
            c = np.asarray(trace.cell[:, example], dtype=np.float64)  # (T, H)
            tanh_c = np.tanh(c)
            via_f = (previous(c) * f * (1 - f))[:, :, None]  # (T, H, 1) ∂c_t/∂a_f
            via_i = (g * i * (1 - i))[:, :, None]
            via_g = (i * (1 - g * g))[:, :, None]
            via_o = (tanh_c * o * (1 - o))[:, :, None]  # ∂h_t/∂a_o
            h_from_c = o * (1 - tanh_c * tanh_c)  # (T, H) ∂h_t/∂c_t, diagonal
            # both (T, 2H, H+D) = ∂(h_t, c_t)/∂[h_{t−1}; x_t], built in place (arrays of T·2H·(H+D))
            both = np.empty((len(h), 2 * H, p["W_f"].shape[1]))
            h_from, c_from, term = both[:, :H], both[:, H:], np.empty_like(both[:, H:])
            np.multiply(via_f, p["W_f"], out=c_from)  # ∂c_t/∂[h_{t−1}; x_t] = Σ via_· W_· over f, i, g
            c_from += np.multiply(via_i, p["W_i"], out=term)
            c_from += np.multiply(via_g, p["W_g"], out=term)
            np.multiply(
                h_from_c[:, :, None], c_from, out=h_from
            )  # ∂h_t/∂[…] = via_o W_o + ∂h_t/∂c_t ∂c_t/∂[…]
            h_from += np.multiply(via_o, p["W_o"], out=term)
            return Jacobians(both[:, :, :H], both[:, :, H:], np.concatenate([h_from_c * f, f], axis=1))
        z, r, n = (np.asarray(trace.gates[k][:, example], dtype=np.float64) for k in GATES["gru"])
        W_zh, W_zx = p["W_z"][:, :H], p["W_z"][:, H:]
        W_rh, W_rx = p["W_r"][:, :H], p["W_r"][:, H:]
        W_nh, W_nx = p["W_n"][:, :H], p["W_n"][:, H:]
        via_z = ((h_prev - n) * z * (1 - z))[:, :, None]  # (T, H, 1) ∂h_t/∂a_z
        via_n = ((1 - z) * (1 - n * n))[:, :, None]  # ∂h_t/∂a_n
        if "b_hn" in p:  # PyTorch's form: r_t multiplies q_t = W_nh h_{t−1} + b_hn
            q = h_prev @ W_nh.T + p["b_hn"]  # (T, H)
            n_via_r = (q * r * (1 - r))[:, :, None]  # (T, H, 1) ∂a_n/∂a_r, diagonal
            J = via_z * W_zh + via_n * (r[:, :, None] * W_nh + n_via_r * W_rh)
            J[:, np.arange(H), np.arange(H)] += z
            return Jacobians(J, via_z * W_zx + via_n * (W_nx + n_via_r * W_rx), None)
        n_via_r = W_nh * (h_prev * r * (1 - r))[:, None, :]  # (T, H, H) ∂a_n/∂a_r
        J = via_z * W_zh + via_n * (W_nh * r[:, None, :] + n_via_r @ W_rh)
        J[:, np.arange(H), np.arange(H)] += z
        return Jacobians(J, via_z * W_zx + via_n * (W_nx + n_via_r @ W_rx), None)


def step_jacobians(model, trace, example: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """For one example: J (T, S, S) with J[t] = ∂s_t/∂s_{t−1}, and X (T, S, D) with X[t] = ∂s_t/∂x_t, as
    dense matrices (J[0] is the derivative with respect to the zero initial state)."""
    jac = jacobians(model, trace, example)
    if jac.diagonal is None:
        return jac.J, jac.X
    T, S, H = jac.J.shape
    J = np.zeros((T, S, S))
    J[:, :, :H] = jac.J
    diag = np.arange(H)
    J[:, diag, H + diag] = jac.diagonal[:, :H]
    J[:, H + diag, H + diag] = jac.diagonal[:, H:]
    return J, jac.X


def readout_jacobians(model, trace, example: int = 0) -> np.ndarray:
    """R (T, K, H) with R[t] = ∂ŷ_t/∂h_t for one example."""
    W_hy = np.asarray(model.params["W_hy"], dtype=np.float64)  # (K, H)
    T = trace.hidden.shape[0]
    if model.output == "linear":
        return np.broadcast_to(W_hy, (T, *W_hy.shape))
    with np.errstate(all="ignore"):
        y = np.asarray(trace.outputs[:, example], dtype=np.float64)[:, :, None]  # (T, K, 1)
        return y * (W_hy - np.sum(y * W_hy, axis=1, keepdims=True))  # (diag(ŷ) − ŷŷᵀ) W_hy


def times_jacobian(rows: np.ndarray, jac: Jacobians, t: int, out: np.ndarray) -> None:
    """out = rows @ J_t, rows (N, S): a step back in time for rows of ∂·/∂s_t. The LSTM's J_t has diagonal
    blocks in its c columns (∂h_t/∂c_{t−1} = diag(o_t (1 − tanh²(c_t)) f_t), ∂c_t/∂c_{t−1} = diag(f_t)), so
    only its h columns need a matrix product and the c columns are two elementwise products: half the work."""
    if jac.diagonal is None:
        np.matmul(rows, jac.J[t], out=out)
        return
    H = jac.J.shape[2]
    np.matmul(rows, jac.J[t], out=out[:, :H])
    np.multiply(rows[:, :H], jac.diagonal[t, :H], out=out[:, H:])
    out[:, H:] += rows[:, H:] * jac.diagonal[t, H:]


def times_jacobian_transposed(rows: np.ndarray, jac: Jacobians, t: int, out: np.ndarray) -> None:
    """out = rows @ J_tᵀ, rows (N, S): a step forward in time for rows of (∂s_{t−1}/∂·)ᵀ. For the LSTM the
    c rows of J_tᵀ are the two diagonals, so again one matrix product (of the h part) and elementwise ones."""
    if jac.diagonal is None:
        np.matmul(rows, jac.J[t].T, out=out)
        return
    H = jac.J.shape[2]
    np.matmul(rows[:, :H], jac.J[t].T, out=out)
    c_part = rows[:, H:]
    out[:, :H] += c_part * jac.diagonal[t, :H]
    out[:, H:] += c_part * jac.diagonal[t, H:]


def rescale(a: np.ndarray, axis: tuple[int, ...] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(a · 2^−e, e) with e chosen so the largest |entry| over `axis` lies in [0.5, 1): an exact rescaling
    (a power of two) that keeps long products inside the float64 range. Zero or non-finite blocks keep e = 0."""
    m = np.abs(a).max(axis=axis, keepdims=axis is not None)
    _, e = np.frexp(np.where(np.isfinite(m), m, 0.0))  # frexp(0) gives e = 0
    scaled = np.ldexp(a, -e)
    return scaled, (e if axis is None else np.squeeze(e, axis=axis))


def previous(a: np.ndarray) -> np.ndarray:
    """a_{t−1} for every t along the first axis, zero before the first step (h_0 = c_0 = 0)."""
    prev = np.zeros_like(a)
    prev[1:] = a[:-1]
    return prev


def activation_slope(model, h: np.ndarray) -> np.ndarray:
    """φ'(a_t) from h_t = φ(a_t): 1 − h_t² for tanh, [h_t > 0] for relu (NaN where h_t is NaN, so that a
    state that blew up makes the Jacobians through it NaN rather than zero)."""
    if model.activation == "relu":
        return np.where(np.isnan(h), np.nan, h > 0)
    return 1 - h * h
