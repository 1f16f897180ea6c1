"""The vanilla RNN (Elman), forward and backprop through time.

Equations, in the order the code runs them (row vectors, one row per example; shapes on the right):
    a_t = W_hh h_{t−1} + W_xh x_t + b_h          (B, H)   with h_0 = 0
    h_t = tanh(a_t)   (or relu(a_t))             (B, H)
Backward, from t = T down to 1, with dh_t the readout's direct gradient dL/dh_t:
    δh_t = dh_t + W_hhᵀ δa_{t+1}                 (B, H)   total dL/dh_t (δa_{T+1} = 0)
    δa_t = δh_t ⊙ (1 − h_t²)   (relu: ⊙ [h_t > 0])
    dW_hh = Σ_t δa_tᵀ h_{t−1},  dW_xh = Σ_t δa_tᵀ x_t,  db_h = Σ_t δa_t
Truncated BPTT with k: the state entering each chunk [k, 2k), [2k, 3k), … is treated as a constant, so
W_hhᵀ δa_t is not passed back at t = k, 2k, …; every step still adds its δa_t to the weight gradients.

For speed, W_xh x_t + b_h is computed for all steps in one matmul before the loop, the loop keeps only the
(B, H) × (H, H) product, and the weight gradients are one matmul each per block of steps (bptt.py).
"""

import numpy as np

from app.core import bptt
from app.core.functional import relu, tanh

ACTIVATIONS = ("tanh", "relu")


def step(params: dict, x_t: np.ndarray, h_prev: np.ndarray, activation: str = "tanh") -> np.ndarray:
    """One step, written exactly as the equations (the fused forward below must agree with it)."""
    a_t = h_prev @ params["W_hh"].T + x_t @ params["W_xh"].T + params["b_h"]  # (B, H)
    return tanh(a_t) if activation == "tanh" else relu(a_t)


def forward(params: dict, x: np.ndarray, h0: np.ndarray | None = None, activation: str = "tanh") -> dict:
    """Run the RNN over x (T, B, D); return the cache: x, h0, hidden (T, B, H), activation."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, not {activation!r}")
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    T, B, D = x.shape
    H = W_hh.shape[0]
    act = np.tanh if activation == "tanh" else relu

    hidden = np.empty((T, B, H), dtype=W_hh.dtype)
    np.matmul(x.reshape(T * B, D), W_xh.T, out=hidden.reshape(T * B, H))  # W_xh x_t for every t
    hidden += b_h  # (T, B, H): a_t before the recurrent term, overwritten in place by h_t
    W_hh_T = np.ascontiguousarray(W_hh).T  # a transposed view: OpenBLAS packs it faster (see lstm.py)
    rec = np.empty((B, H), dtype=W_hh.dtype)
    h_prev = h0
    for t in range(T):
        a_t = hidden[t]
        if h_prev is not None:
            a_t += np.matmul(h_prev, W_hh_T, out=rec)
        h_prev = act(a_t, out=a_t)
    return {"x": x, "h0": h0, "hidden": hidden, "activation": activation}


def backward(
    params: dict, cache: dict, dh: np.ndarray, truncate: int | None = None, out: np.ndarray | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Backprop through time. dh (T, B, H) is the readout's direct dL/dh_t; returns the grads of W_xh,
    W_hh, b_h and grad_hidden (T, B, H), the total dL/dh_t that the (possibly truncated) pass reaches,
    written into `out` when given (which may be dh: each dh_t is read before its step overwrites it)."""
    W_hh = params["W_hh"]
    x, h0, hidden = cache["x"], cache["h0"], cache["hidden"]
    T, B, D = x.shape
    H = W_hh.shape[0]
    W_hh = np.ascontiguousarray(W_hh.T).T  # the same matrix, stored transposed: faster to pack (lstm.py)

    grad_hidden = np.empty_like(hidden) if out is None else out  # out may be dh itself: one array fewer
    delta = np.empty((bptt.block_steps(T, B, H), B, H), dtype=hidden.dtype)  # δa for one block of steps
    carry = np.zeros((B, H), dtype=hidden.dtype)  # W_hhᵀ δa_{t+1}
    dW_xh, dW_hh, db_h = (np.zeros(params[k].shape, dtype=hidden.dtype) for k in ("W_xh", "W_hh", "b_h"))
    for start, end in bptt.blocks(T, B, H):
        da = delta[: end - start]
        # dh_t/da_t for the whole block; the loop multiplies it by δh_t in place, leaving δa_t
        h = hidden[start:end]
        if cache["activation"] == "tanh":
            np.multiply(h, h, out=da)
            np.subtract(1.0, da, out=da)  # 1 − h_t²
        else:
            np.greater(h, 0.0, out=da)  # [h_t > 0]
        for t in range(end - 1, start - 1, -1):
            dh_t = np.add(dh[t], carry, out=grad_hidden[t])
            da_t = da[t - start]
            da_t *= dh_t
            if bptt.cut(t, truncate):
                carry.fill(0.0)  # h_{t−1} is a constant here: no gradient flows into the previous chunk
            else:
                np.matmul(da_t, W_hh, out=carry)
        rows = da.reshape(-1, H)  # ((end − start)·B, H)
        dW_xh += rows.T @ x[start:end].reshape(-1, D)
        bptt.add_outer_previous(dW_hh, da, hidden, h0, start, end)
        db_h += rows.sum(axis=0)
    return {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h}, grad_hidden
