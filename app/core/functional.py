"""Numerical building blocks shared by the cells and the readout: the stable sigmoid, tanh, relu,
softmax and log-softmax, and the affine map x Wᵀ + b done as one matmul.

Why the sigmoid is written through tanh: σ(z) = 1 / (1 + e^(−z)) overflows in e^(−z) for z < −709 (float64)
or z < −88 (float32), and a NumPy overflow warning is the last thing a student needs to see while an
exploding run is on screen. The identity σ(z) = ½ (1 + tanh(z/2)) never overflows and costs one
transcendental instead of an exponential plus a division, so the cells use it too (they fold the ½ of z/2
into their weights; see lstm.py).
"""

import numpy as np


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = ½ (1 + tanh(z/2)), finite for every finite z; writes into `out` when given."""
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.tanh(z, out=out)


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(z, 0.0, out=out)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log softmax(z) = z − max z − log Σ exp(z − max z): the shift keeps exp from overflowing."""
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax(z)_k = exp(z_k − max z) / Σ_j exp(z_j − max z)."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def affine(x: np.ndarray, W: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = x Wᵀ + b for x (N, D), W (M, D), b (M,), as one matmul: b rides along as an extra column of W
    against a column of ones in x, so the (N, M) result is written once instead of written and then read
    back to add b (on the largest benchmark rows that second pass is a quarter of a gigabyte)."""
    N, D = x.shape
    ones = np.empty((N, D + 1), dtype=out.dtype)
    ones[:, :D] = x
    ones[:, D] = 1.0
    return np.matmul(ones, np.concatenate([W, b[:, None]], axis=1).T, out=out)
