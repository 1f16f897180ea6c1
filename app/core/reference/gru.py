"""The GRU of Cho et al. (2014), written as the lecture writes it (v_t = [h_{t−1}; x_t], h first;
W_z, W_r, W_n (H, H+D), their first H columns W_·h act on the state).

Forward, for t = 1 … T (h_0 given, or 0):
    z_t = σ(W_z v_t + b_z)                       update gate
    r_t = σ(W_r v_t + b_r)                       reset gate
    n_t = tanh(W_n [r_t ⊙ h_{t−1}; x_t] + b_n)   candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
Backward, for t = T … 1 (dh_t: the readout's direct dL/dh_t):
    δh_t = dh_t + (carry from step t+1)
    δz_n = δh_t ⊙ (1 − z_t) ⊙ (1 − n_t²)
    δz_z = δh_t ⊙ (h_{t−1} − n_t) ⊙ z_t(1 − z_t)
    δ(r⊙h) = W_nhᵀ δz_n
    δz_r = δ(r⊙h) ⊙ h_{t−1} ⊙ r_t(1 − r_t)
    dW_z += δz_zᵀ v_t,  dW_r += δz_rᵀ v_t,  dW_n += δz_nᵀ [r_t ⊙ h_{t−1}; x_t],  db_· += δz_·
    carry to step t−1 = δh_t ⊙ z_t + δ(r⊙h) ⊙ r_t + W_zhᵀ δz_z + W_rhᵀ δz_r
Truncated BPTT with k: at t = k, 2k, … h_{t−1} is a constant, so no carry passes back.

PyTorch's nn.GRU applies the reset gate after the matrix product, to W_nh h_{t−1} + b_hn, with a bias
b_hn of its own there. A parameter set that holds b_hn is in that form (forward_torch, backward_torch):
    z_t, r_t as above
    q_t = W_nh h_{t−1} + b_hn                    the state's part of the candidate
    n_t = tanh(W_nx x_t + b_n + r_t ⊙ q_t)       candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
    δz_n, δz_z as above;  δq = δz_n ⊙ r_t;  δz_r = δz_n ⊙ q_t ⊙ r_t(1 − r_t)
    dW_nh += δqᵀ h_{t−1},  dW_nx += δz_nᵀ x_t,  db_n += δz_n,  db_hn += δq
    carry to step t−1 = δh_t ⊙ z_t + W_nhᵀ δq + W_zhᵀ δz_z + W_rhᵀ δz_r
"""

import numpy as np

from app.core.reference.lstm import sigmoid
from app.core.reference.rnn import pin

GATES = ("z", "r", "n")


def forward(params: dict, x: np.ndarray, h0=None, along: dict | None = None) -> dict:
    """x (T, B, D). Returns the cache: x, h0, v and u = [r ⊙ h_{t−1}; x_t] (T, B, H+D), z, r, n, h (T, B, H).
    along: recorded real states {"h"} whose values replace the real parts of h_t (rnn.pin).
    Parameters that hold b_hn are in PyTorch's form: see forward_torch."""
    if "b_hn" in params:
        return forward_torch(params, x, h0, along)
    T, B, D = x.shape
    H = params["b_z"].shape[0]
    dtype = np.result_type(x, *params.values())
    cache = {name: np.zeros((T, B, H), dtype) for name in (*GATES, "h")}
    cache.update(x=x, h0=h0, v=np.zeros((T, B, H + D), dtype), u=np.zeros((T, B, H + D), dtype))
    z, r, n, h, v, u = (cache[name] for name in ("z", "r", "n", "h", "v", "u"))
    h_prev = np.zeros((B, H), dtype) if h0 is None else h0
    for t in range(T):
        v[t] = np.concatenate([h_prev, x[t]], axis=1)
        z[t] = sigmoid(v[t] @ params["W_z"].T + params["b_z"])
        r[t] = sigmoid(v[t] @ params["W_r"].T + params["b_r"])
        u[t] = np.concatenate([r[t] * h_prev, x[t]], axis=1)
        n[t] = np.tanh(u[t] @ params["W_n"].T + params["b_n"])
        h[t] = (1 - z[t]) * n[t] + z[t] * h_prev
        if along is not None:
            h[t] = pin(h[t], along["h"][t])
        h_prev = h[t]
    return cache


def backward(
    params: dict, cache: dict, dh: np.ndarray, truncate: int | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """dh (T, B, H): the readout's direct dL/dh_t. Returns the grads of W_z … b_n and grad_hidden
    (T, B, H), the total dL/dh_t that the (possibly truncated) pass reaches."""
    if "b_hn" in params:
        return backward_torch(params, cache, dh, truncate)
    z, r, n, h, v, u = (cache[name] for name in ("z", "r", "n", "h", "v", "u"))
    T, B, H = h.shape
    W_zh, W_rh, W_nh = (params[name][:, :H] for name in ("W_z", "W_r", "W_n"))
    grads = {name: np.zeros_like(params[name], dtype=h.dtype) for name in params if name[2:] in GATES}
    grad_hidden = np.zeros_like(h)
    carry = np.zeros((B, H), h.dtype)
    for t in reversed(range(T)):
        h_prev = h[t - 1] if t > 0 else (np.zeros((B, H)) if cache["h0"] is None else cache["h0"])
        dh_t = dh[t] + carry
        dz_n = dh_t * (1 - z[t]) * (1 - n[t] ** 2)
        dz_z = dh_t * (h_prev - n[t]) * z[t] * (1 - z[t])
        d_rh = dz_n @ W_nh
        dz_r = d_rh * h_prev * r[t] * (1 - r[t])
        for name, dz_k, inputs in (("z", dz_z, v[t]), ("r", dz_r, v[t]), ("n", dz_n, u[t])):
            grads[f"W_{name}"] += dz_k.T @ inputs
            grads[f"b_{name}"] += dz_k.sum(axis=0)
        grad_hidden[t] = dh_t
        cut = t == 0 or (truncate is not None and t % truncate == 0)
        carry = np.zeros_like(carry) if cut else dh_t * z[t] + d_rh * r[t] + dz_z @ W_zh + dz_r @ W_rh
    return grads, grad_hidden


def forward_torch(params: dict, x: np.ndarray, h0=None, along: dict | None = None) -> dict:
    """PyTorch's form (see the module docstring). Returns the cache: x, h0, v (T, B, H+D), z, r, n, h and
    q = W_nh h_{t−1} + b_hn (T, B, H)."""
    T, B, D = x.shape
    H = params["b_z"].shape[0]
    dtype = np.result_type(x, *params.values())
    W_nh, W_nx = params["W_n"][:, :H], params["W_n"][:, H:]
    cache = {name: np.zeros((T, B, H), dtype) for name in (*GATES, "h", "q")}
    cache.update(x=x, h0=h0, v=np.zeros((T, B, H + D), dtype))
    z, r, n, h, q, v = (cache[name] for name in ("z", "r", "n", "h", "q", "v"))
    h_prev = np.zeros((B, H), dtype) if h0 is None else h0
    for t in range(T):
        v[t] = np.concatenate([h_prev, x[t]], axis=1)
        z[t] = sigmoid(v[t] @ params["W_z"].T + params["b_z"])
        r[t] = sigmoid(v[t] @ params["W_r"].T + params["b_r"])
        q[t] = h_prev @ W_nh.T + params["b_hn"]
        n[t] = np.tanh(x[t] @ W_nx.T + params["b_n"] + r[t] * q[t])
        h[t] = (1 - z[t]) * n[t] + z[t] * h_prev
        if along is not None:
            h[t] = pin(h[t], along["h"][t])
        h_prev = h[t]
    return cache


def backward_torch(
    params: dict, cache: dict, dh: np.ndarray, truncate: int | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """PyTorch's form of backward (see the module docstring); the grads include b_hn."""
    z, r, n, h, q, v, x = (cache[name] for name in ("z", "r", "n", "h", "q", "v", "x"))
    T, B, H = h.shape
    W_zh, W_rh, W_nh = (params[name][:, :H] for name in ("W_z", "W_r", "W_n"))
    grads = {name: np.zeros_like(params[name], dtype=h.dtype) for name in params if name[2:] in GATES}
    grads["b_hn"] = np.zeros_like(params["b_hn"], dtype=h.dtype)
    grad_hidden = np.zeros_like(h)
    carry = np.zeros((B, H), h.dtype)
    for t in reversed(range(T)):
        h_prev = h[t - 1] if t > 0 else (np.zeros((B, H)) if cache["h0"] is None else cache["h0"])
        dh_t = dh[t] + carry
        dz_n = dh_t * (1 - z[t]) * (1 - n[t] ** 2)
        dz_z = dh_t * (h_prev - n[t]) * z[t] * (1 - z[t])
        dq = dz_n * r[t]
        dz_r = dz_n * q[t] * r[t] * (1 - r[t])
        grads["W_z"] += dz_z.T @ v[t]
        grads["W_r"] += dz_r.T @ v[t]
        grads["W_n"][:, :H] += dq.T @ h_prev
        grads["W_n"][:, H:] += dz_n.T @ x[t]
        grads["b_z"] += dz_z.sum(axis=0)
        grads["b_r"] += dz_r.sum(axis=0)
        grads["b_n"] += dz_n.sum(axis=0)
        grads["b_hn"] += dq.sum(axis=0)
        grad_hidden[t] = dh_t
        cut = t == 0 or (truncate is not None and t % truncate == 0)
        carry = np.zeros_like(carry) if cut else dh_t * z[t] + dq @ W_nh + dz_z @ W_zh + dz_r @ W_rh
    return grads, grad_hidden
