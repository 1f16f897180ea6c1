"""The vanilla RNN, written as the lecture writes it.

Forward, for t = 1 … T (h_0 given, or 0):
    a_t = W_hh h_{t−1} + W_xh x_t + b_h
    h_t = tanh(a_t)   or   relu(a_t)
Backward, for t = T … 1 (dh_t: the readout's direct dL/dh_t; δa_{T+1} = 0):
    δh_t = dh_t + W_hhᵀ δa_{t+1}
    δa_t = δh_t ⊙ (1 − h_t²)   (relu: δh_t ⊙ [a_t > 0])
    dW_xh += δa_tᵀ x_t,  dW_hh += δa_tᵀ h_{t−1},  db_h += δa_t
Truncated BPTT with k: at t = k, 2k, … the state h_{t−1} is a constant, so W_hhᵀ δa_t is not passed back.
(Steps are 0-based in the code: the loop runs t = 0 … T−1 and the cut falls where t % k == 0.)
"""

import numpy as np


def pin(state, recorded):
    """The state with its real part replaced by the recorded one, its imaginary part kept.

    A complex step (app/core/gradcheck.py) carries the derivative in the imaginary parts while the real
    parts redo the forward pass, rounded differently by complex arithmetic. Where the dynamics are chaotic
    (a large spectral radius) rounding alone moves the trajectory by O(1) over a few hundred steps, so
    the check pins the real parts to the recorded trajectory whose gradient backprop computed."""
    return state - state.real + recorded


def relu(a):
    """max(0, a), written with the real part so that it runs on complex arrays too."""
    return np.where(a.real > 0, a, 0)


def forward(
    params: dict,
    x: np.ndarray,
    h0: np.ndarray | None = None,
    activation: str = "tanh",
    along: dict | None = None,
) -> dict:
    """x (T, B, D). Returns the cache: x, h0, a (pre-activations) and h (T, B, H), activation.
    along: recorded real states {"h"} whose values replace the real parts of h_t (see pin)."""
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    T, B, _ = x.shape
    H = W_hh.shape[0]
    dtype = np.result_type(x, W_xh, W_hh, b_h)
    a = np.zeros((T, B, H), dtype)
    h = np.zeros((T, B, H), dtype)
    h_prev = np.zeros((B, H), dtype) if h0 is None else h0
    for t in range(T):
        a[t] = h_prev @ W_hh.T + x[t] @ W_xh.T + b_h
        h[t] = np.tanh(a[t]) if activation == "tanh" else relu(a[t])
        if along is not None:
            h[t] = pin(h[t], along["h"][t])
        h_prev = h[t]
    return {"x": x, "h0": h0, "a": a, "h": h, "activation": activation}


def backward(
    params: dict, cache: dict, dh: np.ndarray, truncate: int | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """dh (T, B, H): the readout's direct dL/dh_t. Returns the grads of W_xh, W_hh, b_h and
    grad_hidden (T, B, H), the total dL/dh_t that the (possibly truncated) pass reaches."""
    W_hh = params["W_hh"]
    x, h0, a, h = cache["x"], cache["h0"], cache["a"], cache["h"]
    T = len(x)
    grads = {name: np.zeros_like(params[name], dtype=h.dtype) for name in ("W_xh", "W_hh", "b_h")}
    grad_hidden = np.zeros_like(h)
    carry = np.zeros_like(h[0])  # W_hhᵀ δa_{t+1}
    for t in reversed(range(T)):
        h_prev = h[t - 1] if t > 0 else (np.zeros_like(h[0]) if h0 is None else h0)
        dh_t = dh[t] + carry
        da_t = dh_t * (1 - h[t] ** 2) if cache["activation"] == "tanh" else dh_t * (a[t] > 0)
        grads["W_xh"] += da_t.T @ x[t]
        grads["W_hh"] += da_t.T @ h_prev
        grads["b_h"] += da_t.sum(axis=0)
        grad_hidden[t] = dh_t
        cut = t == 0 or (truncate is not None and t % truncate == 0)
        carry = np.zeros_like(carry) if cut else da_t @ W_hh
    return grads, grad_hidden
