"""app/core/lstm.py: the fused forward equals the plain step, the constant error carousel (f = 1, i = 0
carries dL/dc_t back unchanged), f = 0 cuts it, and truncation as chunks from a constant state."""

import numpy as np
import pytest

from app.core import lstm
from app.core.functional import sigmoid


def test_forward_equals_step_by_step(core):
    model, x, _ = core.make_case("lstm", T=7, B=3, D=2, H=4)
    cache = lstm.forward(model.params, x)
    h, c = np.zeros((3, 4)), np.zeros((3, 4))
    for t in range(7):
        v = np.concatenate([h, x[t]], axis=1)
        f = sigmoid(v @ model.params["W_f"].T + model.params["b_f"])
        h, c = lstm.step(model.params, x[t], h, c)
        np.testing.assert_allclose(cache["hidden"][t], h, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(cache["cell"][t], c, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(cache["gates"]["f"][t], f, rtol=1e-13)
    first = lstm.forward(model.params, x[:3])
    rest = lstm.forward(model.params, x[3:], h0=first["hidden"][-1], c0=first["cell"][-1])
    np.testing.assert_allclose(np.concatenate([first["cell"], rest["cell"]]), cache["cell"], rtol=1e-13)
    np.testing.assert_allclose(np.concatenate([first["hidden"], rest["hidden"]]), cache["hidden"], rtol=1e-13)


def _gated(core, forget: float, T=8):
    """An LSTM whose forget and input gates are saturated to exactly `forget` and 0, with no recurrent
    weights, so dL/dc_t has the carousel as its only way back."""
    model, x, y = core.make_case("lstm", T=T)
    H = model.hidden_size
    for gate in "figo":
        model.params[f"W_{gate}"][:, :H] = 0.0
    model.params["W_f"][:] = 0.0
    model.params["b_f"][:] = 40.0 if forget == 1 else -40.0
    model.params["W_i"][:] = 0.0
    model.params["b_i"][:] = -40.0
    return model, x, y


def test_constant_error_carousel_carries_grad_cell_unchanged(core):
    model, x, y = _gated(core, forget=1)
    trace = model.run(x, y, loss_on="last")
    assert (trace.gates["f"] == 1.0).all() and (trace.gates["i"] == 0.0).all()
    assert np.abs(trace.grad_cell[-1]).min() > 0
    for t in range(len(x) - 1):
        np.testing.assert_array_equal(trace.grad_cell[t], trace.grad_cell[-1])
    np.testing.assert_array_equal(trace.grad_hidden[:-1], 0.0)


def test_closed_forget_gate_stops_grad_cell(core):
    model, x, y = _gated(core, forget=0)
    trace = model.run(x, y, loss_on="last")
    assert (trace.gates["f"] == 0.0).all()
    np.testing.assert_array_equal(trace.grad_cell[:-1], 0.0)
    assert np.abs(trace.grad_cell[-1]).min() > 0


def test_truncated_backward_is_the_sum_of_chunks_from_constant_states(core):
    model, x, _ = core.make_case("lstm", T=7, B=2, D=2, H=3)
    dh = np.random.default_rng(3).standard_normal((7, 2, 3))
    cache = lstm.forward(model.params, x)
    grads, grad_hidden, grad_cell = lstm.backward(model.params, cache, dh, truncate=3)
    total = {name: np.zeros_like(g) for name, g in grads.items()}
    for s in (0, 3, 6):
        h0, c0 = (None, None) if s == 0 else (cache["hidden"][s - 1], cache["cell"][s - 1])
        piece = lstm.forward(model.params, x[s : s + 3], h0=h0, c0=c0)
        g, gh, gc = lstm.backward(model.params, piece, dh[s : s + 3])
        np.testing.assert_allclose(gh, grad_hidden[s : s + 3], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gc, grad_cell[s : s + 3], rtol=1e-12, atol=1e-15)
        for name in total:
            total[name] += g[name]
    for name in grads:
        np.testing.assert_allclose(grads[name], total[name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("forget_bias", [0.0, 1.0, 3.0])
def test_forget_bias_sets_the_starting_forget_gate(core, forget_bias):
    model, x, y = core.make_case("lstm", forget_bias=forget_bias)
    model.params["b_f"][:] = forget_bias  # make_case jitters the biases
    model.params["W_f"][:] = 0.0
    trace = model.run(x, y, backward=False)
    np.testing.assert_allclose(trace.gates["f"], 1 / (1 + np.exp(-forget_bias)), rtol=1e-14)
