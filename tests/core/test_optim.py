"""Optimisers match updates computed by hand (and torch.optim where installed); clipping caps the norm."""

import math

import numpy as np
import pytest

from app.core.optim import SGD, Adam, clip_by_global_norm, global_norm, make_optimizer


def test_sgd_momentum_two_steps_by_hand():
    w = np.array([1.0, -2.0])
    opt = SGD({"w": w}, lr=0.1, momentum=0.5)
    opt.step({"w": np.array([1.0, 2.0])})
    # v = g = (1, 2); w = (1, −2) − 0.1·(1, 2)
    np.testing.assert_allclose(w, [0.9, -2.2])
    opt.step({"w": np.array([-1.0, 0.0])})
    # v = 0.5·(1, 2) + (−1, 0) = (−0.5, 1); w = (0.9, −2.2) − 0.1·(−0.5, 1)
    np.testing.assert_allclose(w, [0.95, -2.3])


def test_sgd_without_momentum_is_plain_gradient_step():
    w = np.array([[3.0]])
    opt = make_optimizer("sgd", {"w": w}, lr=0.5, momentum=0.0)
    for _ in range(3):
        opt.step({"w": np.array([[2.0]])})
    np.testing.assert_allclose(w, [[0.0]])


def test_adam_two_steps_by_hand():
    w = np.array([0.5])
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    opt = Adam({"w": w}, lr=lr, beta1=b1, beta2=b2, eps=eps)
    expected, m, v = 0.5, 0.0, 0.0
    for t, g in enumerate([2.0, -1.0], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        expected -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        opt.step({"w": np.array([g])})
        assert w[0] == pytest.approx(expected, rel=1e-12)
    # The first Adam step moves every coordinate by lr·sign(g), whatever the gradient's size.
    u = np.array([0.0, 0.0])
    Adam({"u": u}, lr=0.01).step({"u": np.array([1e-3, -50.0])})
    np.testing.assert_allclose(u, [-0.01, 0.01], rtol=1e-4)


def test_optimizers_update_the_arrays_in_place():
    params = {"a": np.ones((2, 3)), "b": np.zeros(3)}
    ids = {k: id(v) for k, v in params.items()}
    for name in ("sgd", "adam"):
        make_optimizer(name, params, lr=0.1).step({"a": np.ones((2, 3)), "b": np.ones(3)})
    assert {k: id(v) for k, v in params.items()} == ids
    assert np.all(params["a"] < 1) and np.all(params["b"] < 0)
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("rmsprop", params, lr=0.1)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_optimizers_match_torch(name, torch):
    r = np.random.default_rng(0)
    w0 = r.standard_normal((3, 4))
    grads = [r.standard_normal((3, 4)) for _ in range(5)]
    ours = {"w": w0.copy()}
    opt = make_optimizer(name, ours, lr=0.05, momentum=0.9)
    tw = torch.tensor(w0.copy(), requires_grad=True)
    topt = torch.optim.SGD([tw], lr=0.05, momentum=0.9) if name == "sgd" else torch.optim.Adam([tw], lr=0.05)
    for g in grads:
        opt.step({"w": g})
        tw.grad = torch.tensor(g)
        topt.step()
    np.testing.assert_allclose(ours["w"], tw.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_clip_rescales_to_threshold_and_keeps_direction():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert global_norm(grads) == 5.0
    clipped, norm, did = clip_by_global_norm(grads, 1.0)
    assert norm == 5.0 and did is True
    assert global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0])
    np.testing.assert_allclose(clipped["b"], [[0.8]])
    np.testing.assert_array_equal(grads["a"], [3.0, 0.0])  # the input is not modified


def test_clip_leaves_small_or_unclipped_gradients_alone():
    grads = {"a": np.array([0.3, 0.4])}
    for max_norm in (0.5, 1.0, None, 0.0):
        out, norm, did = clip_by_global_norm(grads, max_norm)
        assert out is grads and norm == pytest.approx(0.5) and did is False


def test_clip_reports_non_finite_norm_without_clipping():
    _, norm, did = clip_by_global_norm({"a": np.array([np.inf, 1.0])}, 1.0)
    assert math.isinf(norm) and did is False
    _, norm, did = clip_by_global_norm({"a": np.array([np.nan])}, 1.0)
    assert math.isnan(norm) and did is False
    _, norm, _ = clip_by_global_norm({"a": np.array([1e200, 1e200])}, 1.0)  # the sum of squares overflows
    assert math.isinf(norm)
