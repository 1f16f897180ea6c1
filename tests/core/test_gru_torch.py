"""The GRU in PyTorch's form (app/core/gru.py, b_hn inside the reset gate's product): the fused forward
equals the plain step, the default GRU is unchanged, and the analyses (step Jacobians, per-step weight
gradient terms) and the gradient check hold for it."""

import numpy as np
import pytest

from app.core import analysis, build_model, gradcheck, gru, jacobians, param_names
from tests.core.test_analysis import (
    EPS,
    EXAMPLE,
    H,
    T,
    central_difference,
    run_from,
    state,
    state_jacobian_fd,
    untied_loss,
)


def make_torch_form(T=T, B=3, D=2, H=H, K=2, seed=0):
    model = build_model("gru", D, H, K, seed=seed, gru_form="torch", update_bias=0.0)
    rng = np.random.default_rng(seed + 100)
    for name, p in model.params.items():
        if name.startswith("b_"):
            p += 0.5 * rng.standard_normal(p.shape)  # b_hn not zero, so that its place is tested
    return model, rng.standard_normal((T, B, D)), rng.standard_normal((T, B, K))


def test_param_names_and_default_form_unchanged():
    assert param_names("gru") == ("W_z", "W_r", "W_n", "b_z", "b_r", "b_n", "W_hy", "b_y")
    assert param_names("gru", "torch") == ("W_z", "W_r", "W_n", "b_z", "b_r", "b_n", "b_hn", "W_hy", "b_y")
    default = build_model("gru", 2, 3, 1, seed=4)
    torch_form = build_model("gru", 2, 3, 1, seed=4, gru_form="torch")
    assert default.gru_form == "cho" and torch_form.gru_form == "torch"
    assert "b_hn" not in default.params
    np.testing.assert_array_equal(torch_form.params["b_hn"], 0.0)
    for name in default.params:  # the same draws in both forms
        np.testing.assert_array_equal(default.params[name], torch_form.params[name])
    with pytest.raises(ValueError, match="gru_form"):
        param_names("gru", "keras")


def test_forward_equals_step_by_step_and_differs_from_cho():
    model, x, _ = make_torch_form()
    cache = gru.forward(model.params, x)
    h = np.zeros((x.shape[1], H))
    for t in range(T):
        h = gru.step_torch(model.params, x[t], h)
        np.testing.assert_allclose(cache["hidden"][t], h, rtol=1e-13, atol=1e-15)
    cho = {k: v for k, v in model.params.items() if k != "b_hn"}
    assert np.abs(gru.forward(cho, x)["hidden"] - cache["hidden"]).max() > 1e-3


def test_step_known_values():
    """H = D = 1, z = ½, r = ½: n = tanh(2·0.25 + b_n + ½ (1·0.5 + b_hn))."""
    params = {
        "W_z": np.zeros((1, 2)),
        "b_z": np.zeros(1),
        "W_r": np.zeros((1, 2)),
        "b_r": np.zeros(1),
        "W_n": np.array([[1.0, 2.0]]),
        "b_n": np.array([0.1]),
        "b_hn": np.array([0.3]),
    }
    h = gru.step(params, np.array([[0.25]]), np.array([[0.5]]))
    n = np.tanh(0.5 + 0.1 + 0.5 * (0.5 + 0.3))
    np.testing.assert_allclose(h, 0.5 * n + 0.5 * 0.5, rtol=1e-15)


def test_step_jacobians_match_finite_differences():
    model, x, y = make_torch_form()
    trace = model.run(x, y)
    J, X = jacobians.step_jacobians(model, trace, EXAMPLE)
    for t in range(T):
        before = np.zeros(H) if t == 0 else state(model, trace, t - 1)
        np.testing.assert_allclose(J[t], state_jacobian_fd(model, x, before, t - 1, t), rtol=1e-6, atol=1e-9)
        one_step = lambda xs, before=before: run_from(  # noqa: E731
            model, xs[None], np.repeat(before[None], len(xs), axis=0)
        )
        np.testing.assert_allclose(X[t], central_difference(one_step, x[t, EXAMPLE]), rtol=1e-6, atol=1e-9)


def test_weight_grad_terms_sum_and_match_untied_finite_differences():
    model, x, y = make_torch_form(B=2)
    trace = model.run(x, y)
    terms = analysis.weight_grad_terms(model, trace)
    rng = np.random.default_rng(7)
    for name, term in terms.items():
        np.testing.assert_allclose(term.sum(axis=0), trace.grads[name][:, :H], rtol=1e-10, atol=1e-14)
        delta = rng.standard_normal((H, H))
        for t in range(T):
            moved = []
            for sign in (1, -1):
                pt = {k: v.copy() for k, v in model.params.items()}
                pt[name][:, :H] += sign * EPS * delta
                moved.append(
                    untied_loss(model, x, y, [model.params] * t + [pt] + [model.params] * (T - t - 1))
                )
            fd = (moved[0] - moved[1]) / (2 * EPS)
            # the difference of two losses of about 10 rounds to about u·L/ε = 1e-9 at ε = 1e-6
            assert np.sum(term[t] * delta) == pytest.approx(fd, rel=1e-6, abs=2e-9), (name, t)


def test_gradient_check_passes_on_every_entry():
    model, x, y = make_torch_form(T=6, B=2)
    trace = model.run(x, y)
    entries = [(name, idx) for name, p in model.params.items() for idx in np.ndindex(p.shape)]
    result = gradcheck.check(model, x, y, "mse", "all", trace, entries)
    assert result["status"] == "passed" and result["worst_relative_error"] < 1e-10
    assert {c["param"] for c in result["checks"]} >= {"b_hn", "b_n", "W_n"}
