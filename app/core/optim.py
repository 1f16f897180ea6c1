"""Optimisers and gradient clipping. Parameters are the model's arrays, updated in place.

SGD with momentum (the heavy-ball form PyTorch uses):
    v ← μ·v + g
    θ ← θ − lr·v
Adam (Kingma & Ba 2015), step t = 1, 2, …:
    m ← β₁·m + (1 − β₁)·g
    v ← β₂·v + (1 − β₂)·g²
    θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
Clipping by global norm (Pascanu, Mikolov & Bengio 2013): with ‖g‖ = √(Σ over every array of Σ g²),
    g ← g · max_norm / ‖g‖   when ‖g‖ > max_norm,
so the direction is kept and only the step length is capped, which is what stops an exploding gradient
from throwing the weights far away in one update.
"""

import math

import numpy as np

Grads = dict[str, np.ndarray]


def global_norm(grads: Grads) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        return math.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values()))


def clip_by_global_norm(grads: Grads, max_norm: float | None) -> tuple[Grads, float, bool]:
    """(clipped grads, global norm before clipping, whether it clipped).

    max_norm None (or ≤ 0) means no clipping. A non-finite norm cannot be rescaled into anything
    meaningful: the grads come back unchanged with clipped False, and the caller decides (the training
    loop skips such an update and counts it).
    """
    norm = global_norm(grads)
    if max_norm is None or max_norm <= 0 or not math.isfinite(norm) or norm <= max_norm:
        return grads, norm, False
    scale = max_norm / norm
    return {name: g * scale for name, g in grads.items()}, norm, True


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum; momentum 0 is plain SGD."""

    def __init__(self, params: dict[str, np.ndarray], lr: float = 0.1, momentum: float = 0.9):
        self.params, self.lr, self.momentum = params, lr, momentum
        self.velocity = {name: np.zeros_like(p) for name, p in params.items()}

    def step(self, grads: Grads) -> None:
        for name, p in self.params.items():
            v = self.velocity[name]
            v *= self.momentum
            v += grads[name]
            p -= self.lr * v


class Adam:
    """Adam with bias correction; the state (m, v, t) is plain attributes, visible to anyone who asks."""

    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float = 0.01,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ):
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, beta1, beta2, eps
        self.m = {name: np.zeros_like(p) for name, p in params.items()}
        self.v = {name: np.zeros_like(p) for name, p in params.items()}
        self.t = 0

    def step(self, grads: Grads) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # Bias corrections folded into the step size, as in the paper's "efficient version".
        lr_t = self.lr * math.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        eps_t = self.eps * math.sqrt(1.0 - b2**self.t)
        for name, p in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * np.square(g)
            p -= lr_t * m / (np.sqrt(v) + eps_t)


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def make_optimizer(name: str, params: dict[str, np.ndarray], lr: float, momentum: float = 0.9):
    """ "sgd" (with momentum) or "adam" over the given parameter arrays."""
    if name == "sgd":
        return SGD(params, lr=lr, momentum=momentum)
    if name == "adam":
        return Adam(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}")
