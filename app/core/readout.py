"""The output layer and the two losses, shared by every cell.

Forward (all steps at once):
    z_t = W_hy h_t + b_y                         (T, B, K) logits
    ŷ_t = softmax(z_t)   or   ŷ_t = z_t (linear output)
Loss over the steps S (every step for loss_on="all", only the last for "last"):
    L = (1/B) Σ_b Σ_{t∈S} ℓ_{b,t};  mse: ℓ = mean_k (ŷ_k − y_k)²;  ce: ℓ = −log ŷ[y]   (ce needs softmax)
Backward:
    mse: dL/dŷ = 2 (ŷ − y) / (K B);  through softmax: dL/dz = ŷ ⊙ (dL/dŷ − Σ_k ŷ_k dL/dŷ_k)
    ce:  dL/dz = (ŷ − onehot(y)) / B
    dW_hy = Σ_t dzᵀ h_t,  db_y = Σ_t dz,  dh_t = W_hyᵀ dz_t   (T, B, H), the direct dL/dh_t
The lecture's own pairing, a softmax output scored with MSE at every step, is the mse branch through softmax.
"""

import numpy as np

from app.core.functional import log_softmax, softmax

OUTPUTS = ("linear", "softmax")
LOSSES = ("mse", "ce")
LOSS_ON = ("all", "last")


def forward(params: dict, hidden: np.ndarray, output: str = "linear") -> dict:
    """ŷ for every step. Returns the cache: hidden, logits (T, B, K), outputs ŷ (T, B, K), output."""
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, not {output!r}")
    T, B, H = hidden.shape
    W_hy, b_y = params["W_hy"], params["b_y"]
    logits = np.empty((T, B, W_hy.shape[0]), dtype=np.result_type(hidden, W_hy))  # (T, B, K)
    np.matmul(hidden.reshape(T * B, H), W_hy.T, out=logits.reshape(T * B, -1))
    logits += b_y
    outputs = softmax(logits) if output == "softmax" else logits
    return {"hidden": hidden, "logits": logits, "outputs": outputs, "output": output}


def loss(
    cache: dict, y: np.ndarray, loss: str = "mse", loss_on: str = "all"
) -> tuple[float, np.ndarray, np.ndarray]:
    """Returns L, step_loss (T,) = Σ_b ℓ_{b,t} / B (zero outside S) and dL/dz (T, B, K)."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, not {loss!r}")
    if loss_on not in LOSS_ON:
        raise ValueError(f"loss_on must be one of {LOSS_ON}, not {loss_on!r}")
    if loss == "ce" and cache["output"] != "softmax":
        raise ValueError('loss="ce" needs output="softmax"')
    logits, y_hat = cache["logits"], cache["outputs"]
    T, B, K = y_hat.shape
    S = slice(0, T) if loss_on == "all" else slice(T - 1, T)
    step_loss = np.zeros(T, dtype=y_hat.dtype)
    d_logits = np.zeros_like(logits) if loss_on == "last" else np.empty_like(logits)

    if loss == "mse":
        d_out = np.subtract(y_hat[S], y[S], out=d_logits[S])  # ŷ − y (|S|, B, K), scaled below into dL/dŷ
        step_loss[S] = np.vecdot(d_out.reshape(len(d_out), -1), d_out.reshape(len(d_out), -1)) / (K * B)
        d_out *= 2.0 / (K * B)
        if cache["output"] == "softmax":
            d_out -= (d_out * y_hat[S]).sum(axis=-1, keepdims=True)
            d_out *= y_hat[S]
    else:
        labels = y[S].astype(np.intp)  # (|S|, B)
        log_p = np.take_along_axis(log_softmax(logits[S]), labels[..., None], axis=-1)[..., 0]  # (|S|, B)
        step_loss[S] = -log_p.sum(axis=1) / B
        onehot = np.zeros_like(y_hat[S])
        np.put_along_axis(onehot, labels[..., None], 1.0, axis=-1)
        d_logits[S] = (y_hat[S] - onehot) / B
    return float(step_loss.sum()), step_loss, d_logits


def backward(params: dict, cache: dict, d_logits: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Returns the grads of W_hy and b_y, and dh (T, B, H), the direct dL/dh_t through ŷ_t."""
    hidden = cache["hidden"]
    T, B, H = hidden.shape
    K = d_logits.shape[2]
    dz = d_logits.reshape(T * B, K)
    grads = {"W_hy": dz.T @ hidden.reshape(T * B, H), "b_y": dz.sum(axis=0)}
    dh = (dz @ params["W_hy"]).reshape(T, B, H)
    return grads, dh
