"""app/core/rnn.py: the fused forward equals the plain step, the relu option's gradients, the known case
W_hh = 0, and truncation as chunks that start from a constant state."""

import numpy as np
import pytest

from app.core import rnn


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_forward_equals_step_by_step(core, activation):
    model, x, _ = core.make_case("rnn", T=7, B=3, D=2, H=4, activation=activation)
    hidden = rnn.forward(model.params, x, activation=activation)["hidden"]
    h = np.zeros((3, 4))
    for t in range(7):
        h = rnn.step(model.params, x[t], h, activation)
        np.testing.assert_allclose(hidden[t], h, rtol=1e-13, atol=1e-15)
    # chained in pieces from the state the previous piece ended in
    first = rnn.forward(model.params, x[:3], activation=activation)["hidden"]
    rest = rnn.forward(model.params, x[3:], h0=first[-1], activation=activation)["hidden"]
    np.testing.assert_allclose(np.concatenate([first, rest]), hidden, rtol=1e-13, atol=1e-15)


def test_step_known_values():
    params = {
        "W_xh": np.array([[1.0], [2.0]]),
        "W_hh": np.array([[0.5, 0.0], [0.0, -1.0]]),
        "b_h": np.ones(2),
    }
    h = rnn.step(params, np.array([[0.5]]), np.array([[1.0, 2.0]]))
    np.testing.assert_allclose(h, np.tanh([[0.5 + 0.5 + 1.0, -2.0 + 1.0 + 1.0]]), rtol=1e-15)
    assert rnn.step(params, np.array([[-3.0]]), np.zeros((1, 2)), "relu").tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("loss_on", ["all", "last"])
def test_relu_grads_match_finite_differences(core, loss_on):
    model, x, y = core.make_case("rnn", activation="relu", T=6)
    trace = model.run(x, y, loss_on=loss_on)
    L = core.reference_loss(model, x, y, loss_on=loss_on)
    numeric = core.numeric_param_grads(model, L)
    for name in numeric:
        assert core.rel_error(trace.grads[name], numeric[name]) < 1e-6, name
    assert core.rel_error(trace.grad_hidden, core.numeric_state_grads(L, trace.hidden.shape)) < 1e-6


def test_zero_recurrent_weight_gives_earlier_steps_no_gradient(core):
    model, x, y = core.make_case("rnn", T=6, spectral_radius=0.0)
    assert not model.params["W_hh"].any()
    last = model.run(x, y, loss_on="last")
    np.testing.assert_array_equal(last.grad_hidden[:-1], 0.0)
    assert np.abs(last.grad_hidden[-1]).min() > 0
    # with a loss at every step, dL/dh_t is only the direct path through ŷ_t
    every = model.run(x, y, loss_on="all")
    direct = (2 / (2 * 2)) * (every.outputs - y) @ model.params["W_hy"]  # K = B = 2
    np.testing.assert_allclose(every.grad_hidden, direct, rtol=1e-13)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_truncated_backward_is_the_sum_of_chunks_from_constant_states(core, activation):
    model, x, _ = core.make_case("rnn", T=7, B=2, D=2, H=3, activation=activation)
    dh = np.random.default_rng(3).standard_normal((7, 2, 3))
    cache = rnn.forward(model.params, x, activation=activation)
    grads, grad_hidden = rnn.backward(model.params, cache, dh, truncate=3)
    total = {name: np.zeros_like(g) for name, g in grads.items()}
    for s in (0, 3, 6):
        h0 = None if s == 0 else cache["hidden"][s - 1]
        piece = rnn.forward(model.params, x[s : s + 3], h0=h0, activation=activation)
        g, gh = rnn.backward(model.params, piece, dh[s : s + 3])
        np.testing.assert_allclose(gh, grad_hidden[s : s + 3], rtol=1e-13, atol=1e-15)
        for name in total:
            total[name] += g[name]
    for name in grads:
        np.testing.assert_allclose(grads[name], total[name], rtol=1e-12, atol=1e-14)


def test_forward_rejects_unknown_activation():
    with pytest.raises(ValueError, match="activation"):
        rnn.forward(
            {"W_xh": np.zeros((2, 1)), "W_hh": np.zeros((2, 2)), "b_h": np.zeros(2)},
            np.zeros((1, 1, 1)),
            None,
            "gelu",
        )
