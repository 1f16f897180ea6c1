"""app/core/functional.py: the stable sigmoid, softmax and log-softmax, and the one-matmul affine map."""

import numpy as np
import pytest

from app.core.functional import affine, log_softmax, relu, sigmoid, softmax


def test_sigmoid_matches_the_definition_and_never_overflows():
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-15)
    extreme = np.array([-1e308, -1000.0, 0.0, 1000.0, 1e308])
    with np.errstate(all="raise"):  # any overflow warning would raise here
        np.testing.assert_array_equal(sigmoid(extreme), [0.0, 0.0, 0.5, 1.0, 1.0])
    out = np.empty(3, dtype=np.float32)
    assert sigmoid(np.zeros(3, dtype=np.float32), out=out) is out and (out == 0.5).all()


def test_softmax_and_log_softmax_are_stable():
    z = np.array([[1000.0, 1000.0 + np.log(3.0)], [-1000.0, -1000.0]])
    with np.errstate(all="raise"):
        p, log_p = softmax(z), log_softmax(z)
    np.testing.assert_allclose(p, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-12)
    np.testing.assert_allclose(log_p, np.log(p), rtol=1e-12)


def test_relu():
    np.testing.assert_array_equal(relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_affine_is_x_W_transposed_plus_b(dtype):
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((7, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    out = np.empty((7, 5), dtype=dtype)
    assert affine(x, W, b, out=out) is out
    np.testing.assert_allclose(out, x @ W.T + b, rtol=1e-5 if dtype == np.float32 else 1e-13)
