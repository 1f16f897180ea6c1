"""Model.run: exact gradients by finite differences for every kind, output, loss, loss_on and truncation;
the Trace's fields; truncation semantics; non-finite runs flagged, never raised."""

import numpy as np
import pytest

from app.core import KINDS, Trace, build_model, param_names

HEADS = [("linear", "mse"), ("softmax", "mse"), ("softmax", "ce")]


@pytest.mark.parametrize("truncate", [None, 2])
@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize(("output", "loss"), HEADS)
@pytest.mark.parametrize("kind", KINDS)
def test_run_grads_match_finite_differences(core, kind, output, loss, loss_on, truncate):
    model, x, y = core.make_case(kind, output, loss)
    trace = model.run(x, y, loss=loss, loss_on=loss_on, truncate=truncate)
    L = core.reference_loss(model, x, y, loss, loss_on, truncate)
    assert trace.loss == pytest.approx(L(), rel=1e-12)
    numeric = core.numeric_param_grads(model, L)
    for name in param_names(kind):
        assert core.rel_error(trace.grads[name], numeric[name]) < 1e-6, name
    grad_h = core.numeric_state_grads(L, trace.hidden.shape, "h")
    assert core.rel_error(trace.grad_hidden, grad_h) < 1e-6
    if kind == "lstm":
        grad_c = core.numeric_state_grads(L, trace.cell.shape, "c")
        assert core.rel_error(trace.grad_cell, grad_c) < 1e-6


@pytest.mark.parametrize("kind", KINDS)
def test_run_trace_fields(core, kind):
    T, B, D, H, K = 6, 3, 2, 4, 5
    model, x, y = core.make_case(kind, "softmax", "ce", T=T, B=B, D=D, H=H, K=K)
    trace = model.run(x, y, loss="ce")
    assert isinstance(trace, Trace)
    assert trace.outputs.shape == (T, B, K)
    np.testing.assert_allclose(trace.outputs.sum(axis=2), 1.0, rtol=1e-12)
    assert trace.hidden.shape == trace.grad_hidden.shape == (T, B, H)
    assert trace.x.shape == (T, B, D)
    assert trace.step_loss.shape == (T,)
    assert trace.step_loss.sum() == pytest.approx(trace.loss, rel=1e-12)
    picked = np.take_along_axis(trace.outputs, y[..., None], axis=2)[..., 0]
    np.testing.assert_allclose(trace.step_loss, -np.log(picked).sum(axis=1) / B, rtol=1e-10)
    assert list(trace.grads) == list(model.params)
    for name, p in model.params.items():
        assert trace.grads[name].shape == p.shape and trace.grads[name].dtype == p.dtype
    expected_gates = {"rnn": [], "lstm": ["f", "i", "g", "o"], "gru": ["z", "r", "n"]}[kind]
    assert sorted(trace.gates) == sorted(expected_gates)
    for gate in trace.gates.values():
        assert gate.shape == (T, B, H)
        assert np.all((gate >= -1) & (gate <= 1))
    if kind == "lstm":
        assert trace.cell.shape == trace.grad_cell.shape == (T, B, H)
        np.testing.assert_allclose(trace.hidden, trace.gates["o"] * np.tanh(trace.cell), rtol=1e-12)
    else:
        assert trace.cell is None and trace.grad_cell is None
    assert trace.finite and trace.first_nonfinite_step is None and trace.truncate is None


@pytest.mark.parametrize("kind", KINDS)
def test_run_without_backward_fills_forward_only(core, kind):
    model, x, y = core.make_case(kind)
    full = model.run(x, y)
    trace = model.run(x, y, backward=False)
    assert trace.grads is None and trace.grad_hidden is None and trace.grad_cell is None
    assert trace.loss == full.loss
    np.testing.assert_array_equal(trace.hidden, full.hidden)


@pytest.mark.parametrize("kind", KINDS)
def test_run_loss_on_last_scores_only_the_last_step(core, kind):
    model, x, y = core.make_case(kind, T=4)
    all_steps = model.run(x, y, loss_on="all")
    last = model.run(x, y, loss_on="last")
    np.testing.assert_array_equal(last.step_loss[:-1], 0.0)
    assert last.loss == pytest.approx(all_steps.step_loss[-1], rel=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_truncate_at_least_T_equals_full_bptt(core, kind):
    model, x, y = core.make_case(kind, T=5)
    full = model.run(x, y)
    for k in (5, 9):
        trace = model.run(x, y, truncate=k)
        np.testing.assert_array_equal(trace.grad_hidden, full.grad_hidden)
        for name in full.grads:
            np.testing.assert_array_equal(trace.grads[name], full.grads[name])


@pytest.mark.parametrize("kind", KINDS)
def test_truncate_cuts_gradient_at_chunk_starts(core, kind):
    T, k = 7, 3
    model, x, y = core.make_case(kind, T=T)
    full = model.run(x, y, loss_on="last")
    trunc = model.run(x, y, loss_on="last", truncate=k)
    # chunks [0, 3), [3, 6), [6, 7): only the last step, whose chunk is the single step 6, gets a gradient
    np.testing.assert_array_equal(trunc.grad_hidden[:6], 0.0)
    np.testing.assert_array_equal(trunc.grad_hidden[6], full.grad_hidden[6])
    assert np.abs(full.grad_hidden[:6]).min(axis=(1, 2)).max() > 0
    # the same forward pass: truncation changes the backward only
    np.testing.assert_array_equal(trunc.hidden, full.hidden)
    assert trunc.truncate == k


@pytest.mark.parametrize("kind", KINDS)
def test_truncate_one_keeps_only_direct_gradients(core, kind):
    model, x, y = core.make_case(kind, T=4)
    trace = model.run(x, y, truncate=1)
    direct = (2 / (2 * 2)) * (trace.outputs - y) @ model.params["W_hy"]  # dL/dŷ · W_hy, K = B = 2
    np.testing.assert_allclose(trace.grad_hidden, direct, rtol=1e-12)


def test_params_are_read_on_every_run(core):
    model, x, y = core.make_case("lstm")
    before = model.run(x, y).loss
    model.params["W_f"] -= 0.1 * model.run(x, y).grads["W_f"]  # an optimiser updates in place
    assert model.run(x, y).loss != before


@pytest.mark.parametrize("kind", KINDS)
def test_float32_agrees_with_float64(core, kind):
    m64, x, y = core.make_case(kind, T=20, B=3, D=3, H=8, K=2)
    m32 = build_model(kind, 3, 8, 2, dtype=np.float32)
    for name, p in m64.params.items():
        m32.params[name][...] = p
    t64, t32 = m64.run(x, y), m32.run(x, y)
    assert t32.hidden.dtype == t32.grad_hidden.dtype == np.float32
    assert all(g.dtype == np.float32 for g in t32.grads.values())
    assert t32.loss == pytest.approx(t64.loss, rel=1e-5)
    np.testing.assert_allclose(t32.hidden, t64.hidden, atol=1e-5)
    for name in t64.grads:
        assert np.linalg.norm(t32.grads[name] - t64.grads[name]) <= 1e-4 * np.linalg.norm(t64.grads[name])


def test_exploding_forward_is_flagged_not_raised():
    model = build_model("rnn", 2, 4, 1, activation="relu", recurrent_init="identity", spectral_radius=10.0)
    x = np.ones((400, 1, 2))
    trace = model.run(x, np.zeros((400, 1, 1)))  # RuntimeWarnings are errors in this test suite
    # h_t ≈ 10^t overflows near t = 308, but the squared error h_t² already does near t = 154
    bad = ~np.isfinite(trace.hidden).all(axis=(1, 2)) | ~np.isfinite(trace.step_loss)
    first = int(np.flatnonzero(bad)[0])
    assert not trace.finite
    assert 140 < first < 170 and trace.first_nonfinite_step == first
    assert np.isfinite(trace.outputs[:first]).all() and np.isfinite(trace.hidden[:300]).all()


def test_exploding_backward_is_flagged_at_the_first_step_it_reaches():
    # x = 0 and b_h = 0 keep h_t = 0 (finite, tanh' = 1), so dL/dh_t grows as 10^(T−t) going back
    model = build_model("rnn", 1, 3, 1, recurrent_init="identity", spectral_radius=10.0)
    T = 200
    y = np.zeros((T, 1, 1))
    y[-1] = 1e150
    trace = model.run(np.zeros((T, 1, 1)), y, loss_on="last")
    assert np.isfinite(trace.hidden).all() and np.isfinite(trace.loss)
    bad = np.flatnonzero(~np.isfinite(trace.grad_hidden).all(axis=(1, 2)))
    assert not trace.finite
    assert len(bad) > 0 and trace.first_nonfinite_step == bad.max() < T - 100
    assert np.isfinite(trace.grad_hidden[trace.first_nonfinite_step + 1 :]).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "transformer"}, "kind"),
        ({"output": "sigmoid"}, "output"),
        ({"activation": "gelu"}, "activation"),
        ({"dtype": np.int32}, "dtype"),
        ({"recurrent_init": "zeros"}, "recurrent_init"),
    ],
)
def test_build_model_rejects_bad_options(kwargs, message):
    args = {"kind": "rnn", "input_size": 2, "hidden_size": 3, "output_size": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        build_model(**args)


def test_build_model_rejects_unknown_init_option():
    with pytest.raises(TypeError):
        build_model("rnn", 2, 3, 2, spectral_raduis=0.9)


def test_model_attributes():
    model = build_model("gru", input_size=3, hidden_size=5, output_size=2, output="softmax")
    assert (model.kind, model.input_size, model.hidden_size, model.output_size) == ("gru", 3, 5, 2)
    assert model.output == "softmax" and model.activation is None
    assert build_model("rnn", 3, 5, 2, activation="relu").activation == "relu"


@pytest.mark.parametrize(
    ("run_kwargs", "message"),
    [
        ({"loss": "hinge"}, "loss"),
        ({"loss_on": "first"}, "loss_on"),
        ({"truncate": 0}, "truncate"),
        ({"truncate": 1.5}, "truncate"),
    ],
)
def test_run_rejects_bad_arguments(core, run_kwargs, message):
    model, x, y = core.make_case("rnn")
    with pytest.raises(ValueError, match=message):
        model.run(x, y, **run_kwargs)


def test_run_rejects_bad_shapes_and_labels(core):
    model, x, y = core.make_case("rnn", "softmax", "ce")
    with pytest.raises(ValueError, match="x must be"):
        model.run(x[:, :, :1], y, loss="ce")
    with pytest.raises(ValueError, match="labels"):
        model.run(x, y + 5, loss="ce")
    with pytest.raises(ValueError, match="mse"):
        model.run(x, y, loss="mse")
    linear, x, y = core.make_case("rnn", "linear", "ce")
    with pytest.raises(ValueError, match="softmax"):
        linear.run(x, y, loss="ce")
