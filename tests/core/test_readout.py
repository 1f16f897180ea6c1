"""app/core/readout.py: ŷ, the two losses and their gradients, by hand and by finite differences."""

import numpy as np
import pytest

from app.core import readout


def _setup(output, T=3, B=2, H=3, K=4, seed=0):
    rng = np.random.default_rng(seed)
    params = {"W_hy": rng.standard_normal((K, H)), "b_y": rng.standard_normal(K)}
    return params, rng.standard_normal((T, B, H)), rng


@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize(("output", "loss"), [("linear", "mse"), ("softmax", "mse"), ("softmax", "ce")])
def test_grads_match_finite_differences(core, output, loss, loss_on):
    params, hidden, rng = _setup(output)
    T, B, _ = hidden.shape
    K = params["b_y"].shape[0]
    y = rng.integers(0, K, (T, B)) if loss == "ce" else rng.uniform(size=(T, B, K))

    def L():
        return readout.loss(readout.forward(params, hidden, output), y, loss, loss_on)[0]

    cache = readout.forward(params, hidden, output)
    _, _, d_logits = readout.loss(cache, y, loss, loss_on)
    grads, dh = readout.backward(params, cache, d_logits)
    eps = 1e-6
    for arrays, analytic in [(params["W_hy"], grads["W_hy"]), (params["b_y"], grads["b_y"]), (hidden, dh)]:
        numeric = np.zeros_like(arrays)
        for idx in np.ndindex(arrays.shape):
            old = arrays[idx]
            arrays[idx] = old + eps
            up = L()
            arrays[idx] = old - eps
            numeric[idx] = (up - L()) / (2 * eps)
            arrays[idx] = old
        assert core.rel_error(analytic, numeric) < 1e-6
    if loss_on == "last":
        np.testing.assert_array_equal(dh[:-1], 0.0)


def test_mse_linear_known_value():
    params = {"W_hy": np.eye(2), "b_y": np.array([0.0, 1.0])}
    hidden = np.array([[[1.0, 2.0]], [[0.0, 0.0]]])  # T = 2, B = 1, H = 2
    y = np.array([[[1.0, 1.0]], [[1.0, 1.0]]])
    cache = readout.forward(params, hidden)
    L, step_loss, d_logits = readout.loss(cache, y)
    # ŷ = [[1, 3]], [[0, 1]]: errors (0, 2) and (−1, 0) → per-step means of squares 2 and ½
    np.testing.assert_array_equal(step_loss, [2.0, 0.5])
    assert L == 2.5
    np.testing.assert_array_equal(d_logits, [[[0.0, 2.0]], [[-1.0, 0.0]]])


def test_softmax_mse_is_the_lectures_pairing():
    params = {"W_hy": np.zeros((2, 1)), "b_y": np.zeros(2)}
    cache = readout.forward(params, np.zeros((1, 1, 1)), "softmax")
    np.testing.assert_array_equal(cache["outputs"], [[[0.5, 0.5]]])
    L, _, d_logits = readout.loss(cache, np.array([[[1.0, 0.0]]]), "mse")
    assert L == pytest.approx(0.25)
    # dL/dŷ = (−½, ½); through softmax at (½, ½): ŷ ⊙ (g − ŷ·g) = (−¼, ¼)
    np.testing.assert_allclose(d_logits, [[[-0.25, 0.25]]], rtol=1e-15)


def test_cross_entropy_is_minus_log_probability_even_for_huge_logits():
    params = {"W_hy": np.array([[1000.0], [-1000.0], [0.0]]), "b_y": np.zeros(3)}
    cache = readout.forward(params, np.ones((1, 1, 1)), "softmax")
    assert np.isfinite(cache["outputs"]).all()
    L, _, d_logits = readout.loss(cache, np.array([[1]]), "ce")
    assert L == pytest.approx(2000.0, rel=1e-12)  # −log softmax = 1000 − (−1000), finite though e^(−2000) = 0
    np.testing.assert_allclose(d_logits, [[[1.0, -1.0, 0.0]]], atol=1e-15)


def test_ce_needs_softmax():
    params, hidden, _ = _setup("linear")
    cache = readout.forward(params, hidden, "linear")
    with pytest.raises(ValueError, match="softmax"):
        readout.loss(cache, np.zeros((3, 2), dtype=int), "ce")
