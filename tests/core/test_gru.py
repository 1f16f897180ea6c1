"""app/core/gru.py: the fused forward equals the plain step, an update gate stuck at 1 carries dL/dh_t back
unchanged, and truncation as chunks from a constant state."""

import numpy as np

from app.core import gru


def test_forward_equals_step_by_step(core):
    model, x, _ = core.make_case("gru", T=7, B=3, D=2, H=4)
    cache = gru.forward(model.params, x)
    h = np.zeros((3, 4))
    for t in range(7):
        h = gru.step(model.params, x[t], h)
        np.testing.assert_allclose(cache["hidden"][t], h, rtol=1e-13, atol=1e-15)
    first = gru.forward(model.params, x[:3])["hidden"]
    rest = gru.forward(model.params, x[3:], h0=first[-1])["hidden"]
    np.testing.assert_allclose(np.concatenate([first, rest]), cache["hidden"], rtol=1e-13, atol=1e-15)


def test_step_known_values():
    H, D = 1, 1
    params = {
        "W_z": np.zeros((H, H + D)),
        "b_z": np.zeros(H),  # z = ½
        "W_r": np.zeros((H, H + D)),
        "b_r": np.full(H, 40.0),  # r = 1
        "W_n": np.array([[1.0, 2.0]]),
        "b_n": np.zeros(H),
    }
    h = gru.step(params, np.array([[0.25]]), np.array([[0.5]]))
    np.testing.assert_allclose(h, 0.5 * np.tanh(0.5 + 0.5) + 0.5 * 0.5, rtol=1e-15)


def test_update_gate_at_one_carries_grad_hidden_unchanged(core):
    model, x, y = core.make_case("gru", T=8)
    model.params["W_z"][:] = 0.0
    model.params["b_z"][:] = 40.0  # z = 1 exactly: h_t = h_{t−1}
    trace = model.run(x, y, loss_on="last")
    assert (trace.gates["z"] == 1.0).all()
    np.testing.assert_array_equal(trace.hidden, 0.0)
    assert np.abs(trace.grad_hidden[-1]).min() > 0
    for t in range(len(x) - 1):
        np.testing.assert_array_equal(trace.grad_hidden[t], trace.grad_hidden[-1])


def test_truncated_backward_is_the_sum_of_chunks_from_constant_states(core):
    model, x, _ = core.make_case("gru", T=7, B=2, D=2, H=3)
    dh = np.random.default_rng(3).standard_normal((7, 2, 3))
    cache = gru.forward(model.params, x)
    grads, grad_hidden = gru.backward(model.params, cache, dh, truncate=3)
    total = {name: np.zeros_like(g) for name, g in grads.items()}
    for s in (0, 3, 6):
        h0 = None if s == 0 else cache["hidden"][s - 1]
        piece = gru.forward(model.params, x[s : s + 3], h0=h0)
        g, gh = gru.backward(model.params, piece, dh[s : s + 3])
        np.testing.assert_allclose(gh, grad_hidden[s : s + 3], rtol=1e-12, atol=1e-15)
        for name in total:
            total[name] += g[name]
    for name in grads:
        np.testing.assert_allclose(grads[name], total[name], rtol=1e-12, atol=1e-14)
