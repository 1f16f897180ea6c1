"""app/core/gradcheck.py: the complex-step derivative is exact to rounding, agrees with PyTorch autograd,
catches a wrong gradient, and says why where no check can decide."""

import numpy as np
import pytest

from app.core import KINDS, build_model, gradcheck, reference

HEADS = [("linear", "mse"), ("softmax", "mse"), ("softmax", "ce")]


def every_entry(model):
    return [(name, idx) for name, p in model.params.items() for idx in np.ndindex(p.shape)]


def run_check(model, x, y, loss="mse", loss_on="all", entries=None, grads=None):
    trace = model.run(x, y, loss=loss, loss_on=loss_on)
    if grads is not None:
        trace.grads = grads(trace.grads)
    return gradcheck.check(model, x, y, loss, loss_on, trace, entries or every_entry(model)), trace


@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize(("output", "loss"), HEADS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_complex_step_matches_torch_autograd(core, torch, kind, output, loss, loss_on):
    """Every entry of every parameter: the check's own derivative against autograd of the same equations."""
    from tests.core.test_torch_reference import torch_unroll

    model, x, y = core.make_case(kind, output, loss, T=7, B=2, D=3, H=4, K=3, seed=3)
    result, _ = run_check(model, x, y, loss, loss_on)
    _, expected, _, _ = torch_unroll(torch, model, x, y, loss, loss_on, None)
    assert result["status"] == "passed" and result["worst_relative_error"] < 1e-12
    for c in result["checks"]:
        want = expected[c["param"]][tuple(c["index"])]
        assert c["numeric"] == pytest.approx(want, rel=1e-12, abs=1e-15), c


def test_relu_matches_torch_autograd_off_the_kink(core, torch):
    from tests.core.test_torch_reference import torch_unroll

    model, x, y = core.make_case("rnn", T=9, B=2, D=3, H=4, K=2, seed=5, activation="relu")
    result, _ = run_check(model, x, y)
    _, expected, _, _ = torch_unroll(torch, model, x, y, "mse", "all", None)
    assert result["status"] == "passed"
    for c in result["checks"]:
        assert c["numeric"] == pytest.approx(expected[c["param"]][tuple(c["index"])], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("kind", KINDS)
def test_a_gradient_wrong_by_one_part_in_a_million_fails(core, kind):
    model, x, y = core.make_case(kind, T=6, B=2, D=2, H=3, K=2, seed=2)
    entry = ("W_hy", (1, 2))

    def skew(grads):
        grads[entry[0]][entry[1]] *= 1 + 1e-6
        return grads

    result, _ = run_check(model, x, y, entries=[entry, ("b_y", (0,))], grads=skew)
    assert result["status"] == "failed" and result["passed"] is False and result["reason"] is None
    assert [c["status"] for c in result["checks"]] == ["failed", "passed"]
    assert result["worst_relative_error"] == pytest.approx(1e-6, rel=1e-3)


def test_an_exploding_chaotic_rnn_passes_along_its_recorded_trajectory():
    """At spectral radius 20 rounding alone moves h_t by O(1) over 300 steps (the complex forward, left to
    itself, ends elsewhere); pinned to the recorded states, the complex step agrees with BPTT."""
    model = build_model("rnn", 2, 32, 1, seed=0, spectral_radius=20.0)
    rng = np.random.default_rng(1)
    x, y = 0.3 * rng.uniform(0, 1, (300, 2, 2)), rng.standard_normal((300, 2, 1))
    entries = [("W_hh", (3, 4)), ("W_xh", (0, 1)), ("b_h", (7,)), ("W_hy", (0, 5))]
    result, trace = run_check(model, x, y, "mse", "last", entries=entries)
    assert result["status"] == "passed", result
    assert max(abs(c["analytic"]) for c in result["checks"]) > 1e50
    free = reference.rnn.forward({k: v.astype(complex) for k, v in model.params.items()}, x)
    assert np.abs(free["h"][-1].real - trace.hidden[-1]).max() > 0.1

    def skew(grads):  # the output layer's gradients are small beside W_hh's; their own scale judges them
        grads["W_hy"][0, 5] *= 1 + 1e-6
        return grads

    result, _ = run_check(model, x, y, "mse", "last", entries=entries, grads=skew)
    assert result["status"] == "failed" and result["checks"][-1]["status"] == "failed"


def test_a_huge_derivative_takes_a_smaller_step():
    """relu with spectral radius 20: states near 1e130, so h = 1e-100 would move them by O(1e30)."""
    model = build_model("rnn", 1, 8, 1, seed=3, spectral_radius=20.0, activation="relu")
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0.5, 1.0, (100, 2, 1)), np.zeros((100, 2, 1))
    result, trace = run_check(model, x, y, entries=[("W_hh", (0, 0)), ("b_h", (1,))])
    assert trace.finite and np.abs(trace.hidden).max() > 1e100 and result["status"] == "passed", result
    assert all(c["h"] < 1e-120 and abs(c["analytic"]) > 1e200 for c in result["checks"])


def test_an_overflowing_forward_is_not_checkable():
    model = build_model("rnn", 1, 8, 1, seed=4, spectral_radius=20.0, activation="relu")
    x = np.ones((400, 1, 1))
    result, trace = run_check(model, x, np.zeros((400, 1, 1)), entries=[("b_h", (0,))])
    first = trace.first_nonfinite_step  # here the squared error overflows long before h_t does
    assert first < int(np.flatnonzero(~np.isfinite(trace.hidden).all(axis=(1, 2)))[0])
    assert result["status"] == "uncheckable" and result["passed"] is False and result["checks"] == []
    assert result["reason"] == {"code": "forward_overflow", "step": first, "param": None}


def test_a_relu_exactly_on_its_kink_is_not_checkable():
    """W_hh = 0, b_h = 0 and a zero input at step 2: a_2 = 0 exactly, and b_h moves it."""
    model = build_model("rnn", 1, 3, 1, seed=0, spectral_radius=0.0, activation="relu")
    x = np.ones((4, 1, 1))
    x[2] = 0.0
    y = np.ones((4, 1, 1))
    result, _ = run_check(model, x, y, entries=[("W_xh", (0, 0)), ("b_h", (1,))])
    assert result["status"] == "uncheckable"
    assert result["reason"] == {"code": "relu_kink", "step": 2, "param": "b_h"}
    assert [c["status"] for c in result["checks"]] == ["passed", "relu_kink"]


def test_a_non_finite_analytic_gradient_is_not_checkable(core):
    model, x, y = core.make_case("gru", T=4)

    def overflow(grads):
        grads["W_z"][0, 0] = np.inf
        return grads

    result, _ = run_check(model, x, y, entries=[("W_z", (0, 0))], grads=overflow)
    assert result["status"] == "uncheckable" and result["reason"]["code"] == "gradient_overflow"


def test_entries_are_round_robin_and_seeded():
    params = build_model("lstm", 2, 3, 2).params
    picks = gradcheck.sample_entries(params, 12, np.random.default_rng(5))
    assert [name for name, _ in picks[:10]] == list(params)
    assert picks == gradcheck.sample_entries(params, 12, np.random.default_rng(5))
    assert all(params[name][index] is not None for name, index in picks)
