"""The LSTM, written as the lecture writes it (v_t = [h_{t−1}; x_t], h first; W_f, W_i, W_g, W_o (H, H+D)).

Forward, for t = 1 … T (h_0, c_0 given, or 0):
    f_t = σ(W_f v_t + b_f)        forget gate
    i_t = σ(W_i v_t + b_i)        input gate
    g_t = tanh(W_g v_t + b_g)     candidate
    o_t = σ(W_o v_t + b_o)        output gate
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)
Backward, for t = T … 1 (dh_t: the readout's direct dL/dh_t):
    δh_t = dh_t + Σ_gates W_·hᵀ δz_·,t+1            (W_·h: the first H columns of W_·)
    δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}
    δz_f = δc_t ⊙ c_{t−1} ⊙ f_t(1 − f_t),   δz_i = δc_t ⊙ g_t ⊙ i_t(1 − i_t)
    δz_g = δc_t ⊙ i_t ⊙ (1 − g_t²),         δz_o = δh_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)
    dW_· += δz_·ᵀ v_t,  db_· += δz_·
Truncated BPTT with k: at t = k, 2k, … (h_{t−1}, c_{t−1}) is a constant: neither δh nor δc passes back.
"""

import numpy as np

from app.core.reference.rnn import pin

GATES = ("f", "i", "g", "o")


def sigmoid(a):
    """σ(a) = ½ + ½ tanh(a/2): equal to 1/(1 + e^(−a)), never overflows, and runs on complex arrays."""
    return 0.5 + 0.5 * np.tanh(a / 2)


def forward(params: dict, x: np.ndarray, h0=None, c0=None, along: dict | None = None) -> dict:
    """x (T, B, D). Returns the cache: x, h0, c0, v (T, B, H+D), gates f, i, g, o, c and h (T, B, H).
    along: recorded real states {"h", "c"} whose values replace the real parts of h_t, c_t (rnn.pin)."""
    T, B, _ = x.shape
    H = params["b_f"].shape[0]
    dtype = np.result_type(x, *params.values())
    cache = {name: np.zeros((T, B, H), dtype) for name in (*GATES, "c", "h")}
    cache.update(x=x, h0=h0, c0=c0, v=np.zeros((T, B, H + x.shape[2]), dtype))
    f, i, g, o, c, h, v = (cache[name] for name in (*GATES, "c", "h", "v"))
    h_prev = np.zeros((B, H), dtype) if h0 is None else h0
    c_prev = np.zeros((B, H), dtype) if c0 is None else c0
    for t in range(T):
        v[t] = np.concatenate([h_prev, x[t]], axis=1)
        f[t] = sigmoid(v[t] @ params["W_f"].T + params["b_f"])
        i[t] = sigmoid(v[t] @ params["W_i"].T + params["b_i"])
        g[t] = np.tanh(v[t] @ params["W_g"].T + params["b_g"])
        o[t] = sigmoid(v[t] @ params["W_o"].T + params["b_o"])
        c[t] = f[t] * c_prev + i[t] * g[t]
        h[t] = o[t] * np.tanh(c[t])
        if along is not None:
            c[t], h[t] = pin(c[t], along["c"][t]), pin(h[t], along["h"][t])
        h_prev, c_prev = h[t], c[t]
    return cache


def backward(
    params: dict, cache: dict, dh: np.ndarray, truncate: int | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """dh (T, B, H): the readout's direct dL/dh_t. Returns the grads of W_f … b_o, grad_hidden and
    grad_cell (T, B, H): the total dL/dh_t and dL/dc_t that the (possibly truncated) pass reaches."""
    f, i, g, o, c, h, v = (cache[name] for name in (*GATES, "c", "h", "v"))
    T, B, H = h.shape
    grads = {name: np.zeros_like(params[name], dtype=h.dtype) for name in params if name[2:] in GATES}
    grad_hidden, grad_cell = np.zeros_like(h), np.zeros_like(c)
    carry_h, carry_c = np.zeros((B, H), h.dtype), np.zeros((B, H), h.dtype)
    for t in reversed(range(T)):
        c_prev = c[t - 1] if t > 0 else (np.zeros((B, H)) if cache["c0"] is None else cache["c0"])
        dh_t = dh[t] + carry_h
        dc_t = dh_t * o[t] * (1 - np.tanh(c[t]) ** 2) + carry_c
        dz = {
            "f": dc_t * c_prev * f[t] * (1 - f[t]),
            "i": dc_t * g[t] * i[t] * (1 - i[t]),
            "g": dc_t * i[t] * (1 - g[t] ** 2),
            "o": dh_t * np.tanh(c[t]) * o[t] * (1 - o[t]),
        }
        for k in GATES:
            grads[f"W_{k}"] += dz[k].T @ v[t]
            grads[f"b_{k}"] += dz[k].sum(axis=0)
        grad_hidden[t], grad_cell[t] = dh_t, dc_t
        cut = t == 0 or (truncate is not None and t % truncate == 0)
        carry_h = np.zeros_like(carry_h) if cut else sum(dz[k] @ params[f"W_{k}"][:, :H] for k in GATES)
        carry_c = np.zeros_like(carry_c) if cut else dc_t * f[t]
    return grads, grad_hidden, grad_cell
