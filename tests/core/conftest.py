"""Fixtures for the core tests: small cases, a step-by-step reference loss for finite differences, and
torch (optional on a laptop, required in CI)."""

import os
from types import SimpleNamespace

import numpy as np
import pytest

from app.core import build_model, gru, lstm, readout, rnn
from app.core.functional import sigmoid, tanh


def make_case(kind, output="linear", loss="mse", T=5, B=2, D=2, H=3, K=2, seed=0, dtype=np.float64, **opts):
    """A model with biases and inputs that are not zero, inputs x (T, B, D) and targets y."""
    model = build_model(kind, D, H, K, seed=seed, output=output, dtype=dtype, **opts)
    rng = np.random.default_rng(seed + 100)
    for name, p in model.params.items():
        if name.startswith("b_"):
            p += 0.3 * rng.standard_normal(p.shape)  # non-zero biases, so their gradients are tested
    x = rng.standard_normal((T, B, D))
    y = rng.integers(0, K, size=(T, B)) if loss == "ce" else rng.uniform(0, 1, size=(T, B, K))
    return model, x, y


def reference_loss(model, x, y, loss="mse", loss_on="all", truncate=None):
    """L(perturb=None) recomputed step by step with the cells' plain step() functions, reading
    model.params afresh on every call. The state entering each truncation chunk but the first is the
    value from the unperturbed run, a constant: that makes the truncated gradient an ordinary gradient of
    this function. perturb = (t, "h" | "c", b, j, delta) adds delta to h_t[b, j] or c_t[b, j] (before h_t
    is computed from c_t, so that the finite difference is the total derivative dL/dc_t)."""
    T, B, _ = x.shape
    H = model.hidden_size
    k = truncate or T

    def run(perturb, boundary):
        p = model.params
        h, c = np.zeros((B, H)), np.zeros((B, H))
        hidden, states = [], []
        for t in range(T):
            if boundary is not None and t > 0 and t % k == 0:
                h, c = boundary[t - 1]
            if model.kind == "rnn":
                h = rnn.step(p, x[t], h, model.activation)
            elif model.kind == "gru":
                h = gru.step(p, x[t], h)
            else:
                h_prev = h
                h, c = lstm.step(p, x[t], h, c)
                if perturb is not None and perturb[0] == t and perturb[1] == "c":
                    c = c.copy()
                    c[perturb[2], perturb[3]] += perturb[4]
                    o = sigmoid(np.concatenate([h_prev, x[t]], axis=1) @ p["W_o"].T + p["b_o"])
                    h = o * tanh(c)
            if perturb is not None and perturb[0] == t and perturb[1] == "h":
                h = h.copy()
                h[perturb[2], perturb[3]] += perturb[4]
            hidden.append(h)
            states.append((h, c))
        head = readout.forward(p, np.stack(hidden), model.output)
        return readout.loss(head, y, loss, loss_on)[0], states

    _, base = run(None, None)
    return lambda perturb=None: run(perturb, base)[0]


def numeric_param_grads(model, L, eps=1e-5):
    """Centred differences (L(θ+ε) − L(θ−ε)) / 2ε for every entry of every parameter."""
    grads = {}
    for name, p in model.params.items():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = L()
            p[idx] = old - eps
            down = L()
            p[idx] = old
            g[idx] = (up - down) / (2 * eps)
        grads[name] = g
    return grads


def numeric_state_grads(L, shape, which="h", eps=1e-5):
    """Centred differences of L with respect to h_t (or c_t) for every t, b, j: shape (T, B, H)."""
    g = np.zeros(shape)
    for t, b, j in np.ndindex(shape):
        g[t, b, j] = (L((t, which, b, j, eps)) - L((t, which, b, j, -eps))) / (2 * eps)
    return g


def rel_error(a, b):
    """‖a − b‖ / max(‖a‖, ‖b‖), 0 when both are zero."""
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / scale)


@pytest.fixture
def core():
    """The helpers above, as one namespace (tests cannot import conftest under importlib mode)."""
    return SimpleNamespace(
        make_case=make_case,
        reference_loss=reference_loss,
        numeric_param_grads=numeric_param_grads,
        numeric_state_grads=numeric_state_grads,
        rel_error=rel_error,
    )


@pytest.fixture(scope="session")
def torch():
    """PyTorch for the independent reference: skipped where it is not installed, except in CI."""
    if os.environ.get("CI") == "true":
        import torch

        return torch
    return pytest.importorskip("torch")
