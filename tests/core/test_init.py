"""app/core/init.py: seeded, reproducible parameters; the spectral radius set exactly; the orthogonal and
identity options; gate biases; the two numbers reported for W_hh."""

import numpy as np
import pytest

from app.core import build_model, param_names, sigma_max, spectral_radius
from app.core.init import init_params, orthogonal


def _init(kind="rnn", seed=0, **options):
    return init_params(kind, 3, 6, 2, np.random.default_rng(seed), **options)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_names_shapes_and_reproducibility(kind):
    params = _init(kind)
    assert tuple(params) == param_names(kind)
    cols = 3 if kind == "rnn" else 6 + 3
    first = params["W_xh" if kind == "rnn" else next(iter(params))]
    assert first.shape == (6, cols) and params["W_hy"].shape == (2, 6) and params["b_y"].shape == (2,)
    again = _init(kind)
    for name in params:
        np.testing.assert_array_equal(params[name], again[name])
        assert params[name].dtype == np.float64 and params[name].flags.c_contiguous
    assert not np.array_equal(_init(kind, seed=1)["W_hy"], params["W_hy"])


def test_global_random_state_is_untouched():
    # the legacy global generator, used on purpose: drawing from it would make results depend on call order
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    build_model("lstm", 3, 4, 2, seed=0)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


@pytest.mark.parametrize("recurrent_init", ["random", "orthogonal", "identity"])
@pytest.mark.parametrize("radius", [0.5, 1.0, 1.7])
def test_spectral_radius_is_set_exactly(recurrent_init, radius):
    W = _init(recurrent_init=recurrent_init, spectral_radius=radius)["W_hh"]
    assert spectral_radius(W) == pytest.approx(radius, rel=1e-10)


def test_spectral_radius_slider_only_rescales_the_same_matrix():
    a = _init(spectral_radius=0.5)
    b = _init(spectral_radius=1.5)
    np.testing.assert_allclose(3 * a["W_hh"], b["W_hh"], rtol=1e-12)
    np.testing.assert_array_equal(a["W_xh"], b["W_xh"])
    np.testing.assert_array_equal(a["W_hy"], _init(recurrent_init="identity")["W_hy"])


def test_orthogonal_and_identity():
    Q = _init(recurrent_init="orthogonal")["W_hh"]
    np.testing.assert_allclose(Q @ Q.T, np.eye(6), atol=1e-12)
    assert sigma_max(Q) == pytest.approx(1.0) and spectral_radius(Q) == pytest.approx(1.0)
    np.testing.assert_array_equal(
        _init(recurrent_init="identity", spectral_radius=0.9)["W_hh"], 0.9 * np.eye(6)
    )
    q = orthogonal(np.array([[2.0, 0.0], [0.0, -3.0]]))
    np.testing.assert_array_equal(q, np.diag([1.0, -1.0]))  # the unique QR with a positive diagonal in R


def test_zero_spectral_radius_gives_zero_recurrent_weight():
    assert not _init(spectral_radius=0.0)["W_hh"].any()


def test_scales_multiply_the_draws():
    base, scaled = _init(), _init(input_scale=2.0, output_scale=0.5)
    np.testing.assert_allclose(scaled["W_xh"], 2 * base["W_xh"], rtol=1e-15)
    np.testing.assert_allclose(scaled["W_hy"], 0.5 * base["W_hy"], rtol=1e-15)
    np.testing.assert_array_equal(scaled["W_hh"], base["W_hh"])


def test_gate_biases():
    lstm = _init("lstm")
    np.testing.assert_array_equal(lstm["b_f"], 1.0)  # the default forget bias
    for gate in "igo":
        np.testing.assert_array_equal(lstm[f"b_{gate}"], 0.0)
    np.testing.assert_array_equal(_init("lstm", forget_bias=2.5)["b_f"], 2.5)
    np.testing.assert_array_equal(_init("gru")["b_z"], 2.0)  # keeps ≈ 0.88 of h_{t−1} per step
    np.testing.assert_array_equal(_init("gru", update_bias=-1.0)["b_z"], -1.0)


def test_spectral_radius_and_sigma_max_known_matrices():
    rotation = np.array([[0.0, -2.0], [2.0, 0.0]])  # eigenvalues ±2i
    assert spectral_radius(rotation) == pytest.approx(2.0) and sigma_max(rotation) == pytest.approx(2.0)
    nilpotent = np.array([[0.0, 10.0], [0.0, 0.0]])  # W² = 0, yet one step can stretch by 10
    assert spectral_radius(nilpotent) == 0.0 and sigma_max(nilpotent) == pytest.approx(10.0)


def test_float32_params():
    params = init_params("gru", 2, 3, 1, np.random.default_rng(0), dtype=np.float32)
    assert all(p.dtype == np.float32 for p in params.values())


@pytest.mark.parametrize(
    ("options", "message"),
    [({"recurrent_init": "zeros"}, "recurrent_init"), ({"spectral_radius": -1.0}, "spectral_radius")],
)
def test_rejects_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        _init(**options)
