"""One run of a fast kernel and of its reference on the same case, and the 1e-12 comparison."""

from types import SimpleNamespace

import numpy as np
import pytest

from app.core import build_model, gru, lstm, readout, reference, rnn

KERNELS = {"rnn": rnn, "lstm": lstm, "gru": gru}
HEADS = [("linear", "mse"), ("softmax", "mse"), ("softmax", "ce")]


def both(kind, output="linear", loss="mse", loss_on="all", truncate=None, initial=False, seed=0, **opts):
    """Forward, readout, loss and BPTT through the kernel and through the reference. dh comes from the
    readout (app/core/readout.py) on the kernel's hidden states, and the same dh goes into both backward
    passes. Returns (kernel cache, kernel backward, reference cache, reference backward)."""
    T, B, D, H, K = 9, 3, 4, 5, 3
    model = build_model(kind, D, H, K, seed=seed, output=output, **opts)
    rng = np.random.default_rng(seed + 1)
    for name, p in model.params.items():
        if name.startswith("b_"):
            p += 0.3 * rng.standard_normal(p.shape)  # biases that are not zero, so their gradients count
    x = rng.standard_normal((T, B, D))
    y = rng.integers(0, K, size=(T, B)) if loss == "ce" else rng.uniform(0, 1, size=(T, B, K))
    state = {}
    if initial:
        state["h0"] = rng.standard_normal((B, H))
        if kind == "lstm":
            state["c0"] = rng.standard_normal((B, H))
    kw = {"activation": model.activation} if kind == "rnn" else {}
    fast = KERNELS[kind].forward(model.params, x, **state, **kw)
    head = readout.forward(model.params, fast["hidden"], output)
    _, _, d_logits = readout.loss(head, y, loss, loss_on)
    _, dh = readout.backward(model.params, head, d_logits)
    fast_back = KERNELS[kind].backward(model.params, fast, dh.copy(), truncate)
    ref = reference.CELLS[kind].forward(model.params, x, **state, **kw)
    ref_back = reference.CELLS[kind].backward(model.params, ref, dh.copy(), truncate)
    return fast, fast_back, ref, ref_back


def close(actual, expected, what=""):
    """Equal to 1e-12 of the array's own scale (elementwise relative for entries near its largest)."""
    scale = float(np.abs(expected).max())
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12 * scale, err_msg=what)


@pytest.fixture
def ref():
    return SimpleNamespace(both=both, close=close, HEADS=HEADS)
