"""The readout and the loss, forward only, written so that they run unchanged on complex arrays.

    z_t = W_hy h_t + b_y,   ŷ_t = softmax(z_t) or z_t
    L = (1/B) Σ_b Σ_{t∈S} ℓ_{b,t};  mse: ℓ = mean_k (ŷ_k − y_k)²;  ce: ℓ = −log softmax(z_t)[y]
S is every step (loss_on="all") or the last. The same numbers as app/core/readout.py on real inputs; it
differs in two places only so that a complex step passes through: the softmax is shifted by the largest
real part (a max over complex numbers is not the max of anything), and MSE squares (ŷ − y) instead of
multiplying it by its conjugate. Its gradient is readout.backward's.
"""

import numpy as np


def log_softmax(z):
    shifted = z - z.real.max(axis=-1, keepdims=True)  # exp cannot overflow; any shift gives the same value
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def loss(
    params: dict,
    h: np.ndarray,
    y: np.ndarray,
    output: str = "linear",
    loss: str = "mse",
    loss_on: str = "all",
):
    """L for hidden states h (T, B, H) against y ((T, B, K) for mse, (T, B) labels for ce); a complex
    scalar when h or the parameters are complex."""
    T, B, _ = h.shape
    steps = range(T) if loss_on == "all" else [T - 1]
    L = 0.0
    for t in steps:
        z_t = h[t] @ params["W_hy"].T + params["b_y"]  # (B, K)
        if loss == "ce":
            L = L - np.take_along_axis(log_softmax(z_t), y[t][:, None], axis=1).sum() / B
        else:
            y_hat = np.exp(log_softmax(z_t)) if output == "softmax" else z_t
            L = L + ((y_hat - y[t]) ** 2).mean(axis=1).sum() / B
    return L
