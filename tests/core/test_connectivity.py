"""Tests for app/core/connectivity.py: ‖∂ŷ_t/∂x_s‖_F against finite differences of the forward pass, closed
forms beyond the range of float64 squares, and the two chains and the product across them agreeing with
one chain carried over every step."""

import numpy as np
import pytest

from app.core import connectivity as conn
from app.core.jacobians import jacobians

T, B, D, H, K = 6, 3, 3, 4, 2
EPS = 1e-6
EXAMPLE = 1  # not 0, so that picking the example is tested too
CASES = [
    pytest.param("rnn", {"activation": "tanh"}, id="rnn-tanh"),
    pytest.param("rnn", {"activation": "relu"}, id="rnn-relu"),
    pytest.param("lstm", {}, id="lstm"),
    pytest.param("gru", {}, id="gru"),
]
BELOW = np.tril(np.ones((T, T), dtype=bool))


def connectivity_fd(model, x, example=EXAMPLE):
    """C[t, s] by central differences: perturb each input of x_s, rerun the whole model forward."""
    Tn, D, K = x.shape[0], model.input_size, model.output_size
    C = np.zeros((Tn, Tn))
    for s in range(Tn):
        xs = np.repeat(x[:, [example]], 2 * D, axis=1)  # (T, 2D, D): +ε and −ε on each of the D inputs
        xs[s, np.arange(D), np.arange(D)] += EPS
        xs[s, D + np.arange(D), np.arange(D)] -= EPS
        out = model.run(xs, np.zeros((Tn, 2 * D, K)), backward=False).outputs  # (T, 2D, K)
        C[:, s] = np.linalg.norm((out[:, :D] - out[:, D:]) / (2 * EPS), axis=(1, 2))
    return C


@pytest.mark.parametrize("output", ["linear", "softmax"])
@pytest.mark.parametrize(("kind", "options"), CASES)
def test_connectivity_matches_finite_differences(core, kind, options, output):
    model, x, y = core.make_case(kind, output=output, T=T, B=B, D=D, H=H, K=K, **options)
    C = conn.connectivity(model, model.run(x, y), EXAMPLE)
    expected = connectivity_fd(model, x)
    assert C.shape == (T, T)
    np.testing.assert_allclose(C[BELOW], expected[BELOW], rtol=1e-6, atol=1e-10)
    assert np.isnan(C[~BELOW]).all()
    assert (expected[~BELOW] == 0).all()  # the future does not reach the past
    assert (C[BELOW] > 0).all()


@pytest.mark.parametrize("output", ["linear", "softmax"])
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_connectivity_many_inputs_and_outputs_matches_finite_differences(core, kind, output):
    """K > H and D > S: the readout and input Jacobians are cut down to their triangular QR factors first."""
    model, x, y = core.make_case(kind, output=output, T=T, B=B, D=5, H=2, K=6)
    C = conn.connectivity(model, model.run(x, y), EXAMPLE)
    np.testing.assert_allclose(C[BELOW], connectivity_fd(model, x)[BELOW], rtol=1e-6, atol=1e-10)
    assert np.isnan(C[~BELOW]).all()


@pytest.mark.parametrize("output", ["linear", "softmax"])
@pytest.mark.parametrize(("kind", "options"), CASES)
def test_every_split_gives_the_single_chain(core, kind, options, output):
    """Splitting at m = 0 is the single backward chain; every other m, the cheapest one included, must give
    the same matrix up to rounding, each pair now computed by another route (late, early or across)."""
    Tn = 23  # several rescalings in each chain
    model, x, y = core.make_case(kind, output=output, T=Tn, B=2, D=3, H=5, K=2, **options)
    trace = model.run(x, y)
    jac = jacobians(model, trace, EXAMPLE)
    single = conn.connectivity_from(model, trace, EXAMPLE, jac, split=0)
    below = np.tril(np.ones((Tn, Tn), dtype=bool))
    assert np.isnan(single[~below]).all()
    for m in (1, 7, None, Tn - 1):  # None: the cheapest
        C = conn.connectivity_from(model, trace, EXAMPLE, jac, split=m)
        np.testing.assert_allclose(C[below], single[below], rtol=1e-12, err_msg=f"split {m}")
        assert np.isnan(C[~below]).all()
    with pytest.raises(ValueError, match="split"):
        conn.connectivity_from(model, trace, EXAMPLE, jac, split=Tn)


def test_pairs_across_the_split_come_the_same_a_few_rows_at_a_time(core, monkeypatch):
    model, x, y = core.make_case("lstm", T=20, B=2, D=3, H=5, K=2)
    trace = model.run(x, y)
    whole = conn.connectivity(model, trace, 0)
    monkeypatch.setattr(conn, "ACROSS_FLOATS", 1)  # one step t per product
    np.testing.assert_allclose(conn.connectivity(model, trace, 0), whole, rtol=1e-14)


def test_cheapest_split_halves_small_outputs_and_keeps_one_late_step():
    # K = D = 8, the LSTM at H = 64 (S = 128, its c columns diagonal): near the middle, about half the work
    m = conn.cheapest_split(100, 8, 8, 128, 64, 64)
    assert 45 <= m <= 55
    assert conn.cheapest_split(1, 8, 8, 128, 64, 64) == 0  # one step: the late chain alone
    assert conn.cheapest_split(2, 1000, 1, 4, 4, 4) in (0, 1)  # always a step for the late chain


def test_connectivity_zero_recurrence_sees_only_the_current_input(core):
    model, x, y = core.make_case("rnn", T=T, B=B, D=D, H=H, K=K)
    model.params["W_hh"][:] = 0.0
    C = conn.connectivity(model, model.run(x, y), EXAMPLE)
    np.testing.assert_array_equal(C[np.tril_indices(T, -1)], 0.0)
    assert (np.diag(C) > 0).all()


def test_connectivity_scaled_identity_beyond_float64_squares(core):
    """J_t = 2⁻⁸ I: ∂ŷ_t/∂x_s = W_hy 2^(−8(t−s)) W_xh exactly, down to 2^−792 for the pairs 99 steps apart,
    whose squares are far below the float64 range, on both sides of the split and across it."""
    model, x, y = core.make_case("rnn", T=100, B=B, D=D, H=H, K=K, activation="relu")
    model.params["W_hh"][:] = np.ldexp(np.eye(H), -8)
    model.params["b_h"][:] = 10.0
    C = conn.connectivity(model, model.run(0.1 * x, y), EXAMPLE)
    t, s = np.tril_indices(100)
    scale = np.linalg.norm(model.params["W_hy"] @ model.params["W_xh"])
    np.testing.assert_allclose(C[t, s], np.ldexp(scale, -8 * (t - s)), rtol=1e-12)
