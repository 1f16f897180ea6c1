"""Tests for app/core/analysis.py: every analysis against finite differences of the forward pass, and the
closed-form cases of the lecture (W_hh = 0, the constant error carousel, the Pascanu bound)."""

from dataclasses import replace

import numpy as np
import pytest

from app.core import analysis, build_model, gru, jacobians, lstm, readout, rnn

T, B, D, H, K = 6, 3, 3, 4, 2
EPS = 1e-6
EXAMPLE = 1  # not 0, so that picking the example is tested too

# (kind, build options): the RNN with both activations, and the gated cells
CASES = [
    pytest.param("rnn", {"activation": "tanh"}, id="rnn-tanh"),
    pytest.param("rnn", {"activation": "relu"}, id="rnn-relu"),
    pytest.param("lstm", {}, id="lstm"),
    pytest.param("gru", {}, id="gru"),
]
KINDS = ["rnn", "lstm", "gru"]


def make(kind, T=T, output="linear", seed=0, sizes=(D, H, K), **options):
    d, h, k = sizes
    model = build_model(kind, input_size=d, hidden_size=h, output_size=k, seed=seed, output=output, **options)
    rng = np.random.default_rng(seed + 100)
    x = rng.standard_normal((T, B, d))
    y = rng.standard_normal((T, B, k))
    return model, x, y


def state(model, trace, t, example=EXAMPLE):
    """s_t of one example as a vector: h_t, or (h_t, c_t) for the LSTM."""
    parts = [trace.hidden[t, example]] + ([trace.cell[t, example]] if model.kind == "lstm" else [])
    return np.concatenate(parts)


def run_from(model, x, states):
    """s at the end of x (T', N, D), starting from the states (N, S), with the cells' own forward."""
    p = model.params
    if model.kind == "rnn":
        return rnn.forward(p, x, h0=states, activation=model.activation)["hidden"][-1]
    if model.kind == "gru":
        return gru.forward(p, x, h0=states)["hidden"][-1]
    cache = lstm.forward(p, x, h0=states[:, :H].copy(), c0=states[:, H:].copy())
    return np.concatenate([cache["hidden"][-1], cache["cell"][-1]], axis=1)


def central_difference(f, v):
    """(f(v + εe_j) − f(v − εe_j)) / 2ε for every j, as the columns of a Jacobian; f maps rows to rows."""
    n = len(v)
    out = f(v + EPS * np.concatenate([np.eye(n), -np.eye(n)]))  # (2n, m)
    return (out[:n] - out[n:]).T / (2 * EPS)


def state_jacobian_fd(model, x, s, t_from, t_to, example=EXAMPLE):
    """∂s_{t_to}/∂s_{t_from} by central differences, rerunning steps t_from+1 … t_to (0-based)."""
    rest = x[t_from + 1 : t_to + 1, [example]]  # (T', 1, D)
    return central_difference(lambda states: run_from(model, np.repeat(rest, len(states), axis=1), states), s)


# ---- the one-step Jacobians every other analysis is built from ----


@pytest.mark.parametrize(("kind", "options"), CASES)
def test_step_jacobians_match_finite_differences(kind, options):
    model, x, y = make(kind, **options)
    trace = model.run(x, y)
    J, X = jacobians.step_jacobians(model, trace, EXAMPLE)
    S = H * (2 if kind == "lstm" else 1)
    assert J.shape == (T, S, S)
    assert X.shape == (T, S, D)
    for t in range(T):
        before = np.zeros(S) if t == 0 else state(model, trace, t - 1)
        np.testing.assert_allclose(J[t], state_jacobian_fd(model, x, before, t - 1, t), rtol=1e-6, atol=1e-9)
        one_step = lambda xs, before=before, t=t: run_from(  # noqa: E731
            model, xs[None], np.repeat(before[None], len(xs), axis=0)
        )
        np.testing.assert_allclose(X[t], central_difference(one_step, x[t, EXAMPLE]), rtol=1e-6, atol=1e-9)


# ---- ‖∂s_T/∂s_t‖₂ ----


@pytest.mark.parametrize(("kind", "options"), CASES)
def test_jacobian_norms_match_finite_differences(kind, options):
    model, x, y = make(kind, **options)
    trace = model.run(x, y)
    norm = analysis.jacobian_norms(model, trace, EXAMPLE)["norm"]
    expected = [
        np.linalg.norm(state_jacobian_fd(model, x, state(model, trace, t), t, T - 1), 2) for t in range(T - 1)
    ]
    np.testing.assert_allclose(norm[:-1], expected, rtol=1e-6)
    assert norm[-1] == pytest.approx(1.0)  # ∂s_T/∂s_T = I
    assert np.all(np.diff(norm) != 0)  # a real function of t, not a constant


@pytest.mark.parametrize(
    "options",
    [
        {"activation": "tanh", "spectral_radius": 1.5},
        {"activation": "tanh", "recurrent_init": "orthogonal"},
        {"activation": "relu", "spectral_radius": 0.9},
        {"activation": "relu", "spectral_radius": 1.3, "input_scale": 3.0},
    ],
)
def test_jacobian_norms_rnn_bound_holds(options):
    model, x, y = make("rnn", T=30, **options)
    result = analysis.jacobian_norms(model, model.run(x, y), EXAMPLE)
    sigma = np.linalg.svd(model.params["W_hh"], compute_uv=False)[0]
    np.testing.assert_allclose(result["bound"], sigma ** np.arange(29, -1, -1), rtol=1e-12)
    assert np.all(result["norm"] <= result["bound"] * (1 + 1e-12))
    assert (
        result["norm"][0] < 0.5 * result["bound"][0]
    )  # tanh' < 1 and relu's zeros make it loose over 29 steps


def test_jacobian_norms_bound_is_none_for_gated_cells():
    for kind in ("lstm", "gru"):
        model, x, y = make(kind)
        assert analysis.jacobian_norms(model, model.run(x, y))["bound"] is None


def test_jacobian_norms_zero_recurrence_gives_zero_beyond_one_step():
    model, x, y = make("rnn")
    model.params["W_hh"][:] = 0.0
    result = analysis.jacobian_norms(model, model.run(x, y), EXAMPLE)
    np.testing.assert_array_equal(result["norm"], [0, 0, 0, 0, 0, 1])
    np.testing.assert_array_equal(result["bound"], [0, 0, 0, 0, 0, 1])


def test_jacobian_norms_scaled_identity_beyond_float64_squares():
    """W_hh = 2⁻⁸ I with relu in its linear region (b_h = 10 keeps every a_t > 0) makes J_t = 2⁻⁸ I exactly,
    so ‖∂h_T/∂h_t‖ = 2^(−8(T−t)), down to 2⁻⁷⁹² ≈ 1e−238, whose square is below the float64 range."""
    model, x, y = make("rnn", T=100, activation="relu")
    model.params["W_hh"][:] = np.ldexp(np.eye(H), -8)
    model.params["b_h"][:] = 10.0
    trace = model.run(0.1 * x, y)
    assert (trace.hidden > 0).all()
    result = analysis.jacobian_norms(model, trace, EXAMPLE)
    expected = np.ldexp(1.0, -8 * np.arange(99, -1, -1))
    np.testing.assert_allclose(result["norm"], expected, rtol=1e-12)
    np.testing.assert_allclose(result["bound"], expected, rtol=1e-12)  # the bound is tight here


def test_jacobian_norms_lstm_forget_one_input_zero_keeps_the_cell_path():
    """f = 1, i = 0 (b_f = 50, b_i = −50): c_t = c_{t−1}, so J_t = [[0, diag(o_t)], [0, I]] and every product
    ∂s_T/∂s_t = [[0, diag(o_T)], [0, I]]: the cell path ∂c_T/∂c_t = I, and ‖·‖₂ = √(1 + max o_T²)."""
    model, x, y = make("lstm", T=20, forget_bias=50.0)
    model.params["b_i"][:] = -50.0
    trace = model.run(x, y)
    assert (trace.gates["f"] == 1).all()
    J, _ = jacobians.step_jacobians(model, trace, EXAMPLE)
    product = np.eye(2 * H)
    for t in range(19, 0, -1):
        product = product @ J[t]
        np.testing.assert_allclose(product[H:, H:], np.eye(H), atol=1e-12)  # ∂c_T/∂c_{t−1}
    o_T = trace.gates["o"][-1, EXAMPLE]
    norm = analysis.jacobian_norms(model, trace, EXAMPLE)["norm"]
    np.testing.assert_allclose(norm[:-1], np.sqrt(1 + np.max(o_T) ** 2), rtol=1e-10)


# ---- the contributions of each step to the recurrent weight gradients ----

RECURRENT = {"rnn": ["W_hh"], "lstm": ["W_f", "W_i", "W_g", "W_o"], "gru": ["W_z", "W_r", "W_n"]}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("output", "loss", "loss_on", "truncate"),
    [
        ("linear", "mse", "all", None),
        ("linear", "mse", "last", None),
        ("softmax", "ce", "last", 2),
        ("softmax", "mse", "all", 4),
    ],
)
def test_weight_grad_terms_sum_to_recurrent_gradient(kind, output, loss, loss_on, truncate):
    model, x, y = make(kind, output=output)
    if loss == "ce":
        y = np.random.default_rng(1).integers(0, K, size=(T, B))
    trace = model.run(x, y, loss=loss, loss_on=loss_on, truncate=truncate)
    terms = analysis.weight_grad_terms(model, trace)
    norms = analysis.weight_grad_contributions(model, trace)
    assert sorted(terms) == sorted(norms) == sorted(RECURRENT[kind])
    for name, term in terms.items():
        assert term.shape == (T, H, H)
        np.testing.assert_allclose(term.sum(axis=0), trace.grads[name][:, :H], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(norms[name], np.linalg.norm(term, axis=(1, 2)), rtol=1e-12)
    if loss_on == "last" and truncate:
        # only the last chunk [4, 6) is reached from the last step's loss
        assert np.all(norms[RECURRENT[kind][0]][:4] == 0)
        assert np.all(norms[RECURRENT[kind][0]][4:] > 0)


def untied_loss(model, x, y, step_params):
    """The mse loss over every step with the cell's own step(), step t using step_params[t]: each step's
    copy of the weights is then a separate variable, whose gradient is that step's term."""
    p = model.params
    h = np.zeros((x.shape[1], H))
    c = np.zeros_like(h)
    total = 0.0
    for t, pt in enumerate(step_params):
        if model.kind == "rnn":
            h = rnn.step(pt, x[t], h, model.activation)
        elif model.kind == "lstm":
            h, c = lstm.step(pt, x[t], h, c)
        else:
            h = gru.step(pt, x[t], h)
        y_hat = h @ p["W_hy"].T + p["b_y"]
        total += np.sum(np.mean((y_hat - y[t]) ** 2, axis=1)) / x.shape[1]
    return total


@pytest.mark.parametrize("kind", KINDS)
def test_weight_grad_terms_match_untied_finite_differences(kind):
    """Step t's term is dL/dW for the copy of W used at step t alone: checked along a random direction Δ
    (on the state columns) by central differences, for every step and every recurrent weight. The GRU
    starts with b_z = 0 here: with the default b_z = 2 its first steps' terms shrink below what a centred
    difference resolves at this ε."""
    model, x, y = make(kind, update_bias=0.0)
    trace = model.run(x, y, loss="mse", loss_on="all")
    assert untied_loss(model, x, y, [model.params] * T) == pytest.approx(trace.loss, rel=1e-12)
    terms = analysis.weight_grad_terms(model, trace)
    rng = np.random.default_rng(7)
    for name, term in terms.items():
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
            assert np.sum(term[t] * delta) == pytest.approx(fd, rel=1e-6, abs=1e-10), (name, t)


def batch_run(kind, batch, hidden, loss_on="all", truncate=None, seed=0):
    """A trace with B = batch examples and H = hidden units (the module's make() fixes B)."""
    model = build_model(kind, input_size=D, hidden_size=hidden, output_size=K, seed=seed)
    rng = np.random.default_rng(seed + 100)
    x, y = rng.standard_normal((T, batch, D)), rng.standard_normal((T, batch, K))
    return model, model.run(x, y, loss_on=loss_on, truncate=truncate)


def scaled_gradients(trace, scale):
    """The trace with dL/dh_t and dL/dc_t times `scale`: every term δa_tᵀ v_t scales by it exactly."""
    cell = None if trace.grad_cell is None else trace.grad_cell * scale
    return replace(trace, grad_hidden=trace.grad_hidden * scale, grad_cell=cell)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("batch", "hidden", "auto"),
    [(8, 3, "direct"), (5, 5, "direct"), (3, 7, "gram"), (2, 12, "gram")],  # both sides of B ≥ H
)
def test_weight_grad_contributions_direct_and_gram_forms_agree(kind, batch, hidden, auto):
    model, trace = batch_run(kind, batch, hidden)
    direct = analysis.weight_grad_contributions(model, trace, form="direct")
    gram = analysis.weight_grad_contributions(model, trace, form="gram")
    chosen = analysis.weight_grad_contributions(model, trace)
    expected = {
        n: np.linalg.norm(term, axis=(1, 2)) for n, term in analysis.weight_grad_terms(model, trace).items()
    }
    assert list(direct) == list(gram) == list(chosen) == RECURRENT[kind]
    for name in RECURRENT[kind]:
        assert np.all(expected[name][1:] > 0)  # h_0 = 0 makes step 0's term zero
        np.testing.assert_allclose(direct[name], gram[name], rtol=1e-12, atol=0)
        np.testing.assert_allclose(direct[name], expected[name], rtol=1e-12, atol=0)
        np.testing.assert_array_equal(chosen[name], {"direct": direct, "gram": gram}[auto][name])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("form", ["direct", "gram"])
@pytest.mark.parametrize("scale", [2.0**-1000, 2.0**-500, 2.0**600])
def test_weight_grad_contributions_keep_tiny_and_huge_gradients(kind, form, scale):
    """Gradients times 2⁻¹⁰⁰⁰ (the terms' squares underflow to zero), 2⁻⁵⁰⁰ (their squares are subnormal)
    and 2⁶⁰⁰ (their squares overflow): each form still gives exactly scale × the norms."""
    for batch, hidden in [(8, 3), (3, 7)]:
        model, trace = batch_run(kind, batch, hidden)
        plain = analysis.weight_grad_contributions(model, trace, form=form)
        scaled = analysis.weight_grad_contributions(model, scaled_gradients(trace, scale), form=form)
        for name, norms in plain.items():
            assert np.all(np.isfinite(scaled[name]))
            np.testing.assert_allclose(scaled[name][1:], scale * norms[1:], rtol=1e-12)
            assert scaled[name][0] == 0.0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("form", ["direct", "gram"])
def test_weight_grad_contributions_steps_no_loss_reaches_are_exactly_zero(kind, form):
    model, trace = batch_run(kind, 6, 4, loss_on="last", truncate=2)
    norms = analysis.weight_grad_contributions(model, trace, form=form)
    for name in RECURRENT[kind]:
        assert np.all(norms[name][:4] == 0.0) and np.all(norms[name][4:] > 0)


def test_weight_grad_contributions_nonfinite_and_unknown_form():
    model, trace = batch_run("lstm", 6, 4)
    grad_hidden = trace.grad_hidden.copy()
    grad_hidden[3, 1, 2] = np.nan
    broken = replace(trace, grad_hidden=grad_hidden)
    for form in ("direct", "gram"):
        norms = analysis.weight_grad_contributions(model, broken, form=form)["W_o"]
        assert np.isnan(norms[3]) and np.all(np.isfinite(np.delete(norms, 3)))
    with pytest.raises(ValueError, match="form must be one of"):
        analysis.weight_grad_contributions(model, trace, form="fast")


# ---- ‖dL/dh_t‖ and ‖dL/dc_t‖ ----


def test_grad_norms_zero_recurrence_is_the_readout_gradient():
    """With W_hh = 0 no gradient reaches an earlier step: dL/dh_t = 2 (ŷ_t − y_t) W_hy / (K B)."""
    model, x, y = make("rnn")
    model.params["W_hh"][:] = 0.0
    trace = model.run(x, y, loss="mse", loss_on="all")
    direct = 2 * (trace.outputs - y) @ model.params["W_hy"] / (K * B)  # (T, B, H)
    norms = analysis.grad_norms(trace)
    np.testing.assert_allclose(norms["hidden"], np.linalg.norm(direct, axis=2), rtol=1e-12)
    np.testing.assert_allclose(norms["hidden_mean"], np.linalg.norm(direct, axis=2).mean(axis=1), rtol=1e-12)
    assert "cell" not in norms


@pytest.mark.parametrize("kind", KINDS)
def test_grad_norms_are_the_norms_of_the_recorded_gradients(kind):
    model, x, y = make(kind)
    trace = model.run(x, y, loss_on="last")
    norms = analysis.grad_norms(trace)
    np.testing.assert_allclose(norms["hidden"], np.linalg.norm(trace.grad_hidden, axis=2), rtol=1e-12)
    assert norms["hidden"].shape == (T, B)
    assert norms["hidden_mean"].shape == (T,)
    if kind == "lstm":
        np.testing.assert_allclose(norms["cell"], np.linalg.norm(trace.grad_cell, axis=2), rtol=1e-12)
        np.testing.assert_allclose(norms["cell_mean"], norms["cell"].mean(axis=1), rtol=1e-12)


def test_grad_norms_lstm_constant_error_carousel():
    """f = 1, i = 0 and a loss on the last step only: dL/dc_t reaches every step unchanged."""
    model, x, y = make("lstm", T=20, forget_bias=50.0)
    model.params["b_i"][:] = -50.0
    norms = analysis.grad_norms(model.run(x, y, loss_on="last"))
    np.testing.assert_allclose(norms["cell"], np.broadcast_to(norms["cell"][-1], (20, B)), rtol=1e-12)
    assert np.all(norms["cell"] > 0)
    assert np.all(norms["hidden"][:-1] < 1e-12 * norms["hidden"][-1])


@pytest.mark.parametrize("scale", [2.0**-1000, 2.0**-500, 2.0**600])
def test_grad_norms_keep_tiny_and_huge_gradients(scale):
    """Scaled gradients whose squares underflow, are subnormal or overflow: the norms scale exactly."""
    model, x, y = make("lstm")
    trace = model.run(x, y)
    plain, scaled = analysis.grad_norms(trace), analysis.grad_norms(scaled_gradients(trace, scale))
    for key in ("hidden", "cell", "hidden_mean", "cell_mean"):
        np.testing.assert_allclose(scaled[key], scale * plain[key], rtol=1e-12, atol=0)


def test_grad_norms_steps_no_loss_reaches_are_exactly_zero():
    model, x, y = make("lstm")
    trace = model.run(x, y, loss_on="last", truncate=4)
    norms = analysis.grad_norms(trace)
    assert np.all(norms["hidden"][:4] == 0.0) and np.all(norms["cell"][:4] == 0.0)
    assert np.all(norms["hidden"][4:] > 0.0)
    assert analysis.nonfinite_steps(trace, norms) == analysis.nonfinite_steps(trace)


def test_grad_norms_need_a_backward_pass():
    model, x, y = make("rnn")
    trace = model.run(x, y, backward=False)
    with pytest.raises(ValueError, match="backward=True"):
        analysis.grad_norms(trace)
    with pytest.raises(ValueError, match="backward=True"):
        analysis.weight_grad_contributions(model, trace)


# ---- the bound on ‖dL/dh_t‖ ----


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize(("loss_on", "truncate"), [("all", None), ("last", None), ("all", 2), ("last", 4)])
@pytest.mark.parametrize("output", ["linear", "softmax"])
def test_readout_grad_hidden_is_the_readouts_direct_gradient(activation, loss_on, truncate, output):
    model, x, y = make("rnn", T=12, output=output, activation=activation, spectral_radius=1.5)
    trace = model.run(x, y, loss="mse", loss_on=loss_on, truncate=truncate)
    head = readout.forward(model.params, trace.hidden, output)
    _, dh = readout.backward(model.params, head, readout.loss(head, y, "mse", loss_on)[2])
    direct = analysis.readout_grad_hidden(model, trace)
    np.testing.assert_allclose(direct, dh, rtol=0, atol=1e-12 * np.abs(trace.grad_hidden).max())


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize(("loss_on", "truncate"), [("all", None), ("last", None), ("all", 3), ("last", 7)])
def test_grad_hidden_bound_holds_per_example_and_for_the_batch_mean(activation, loss_on, truncate):
    for seed in range(12):
        radius = np.random.default_rng(seed).uniform(0.3, 3.0)
        model, x, y = make("rnn", T=20, seed=seed, activation=activation, spectral_radius=radius)
        trace = model.run(x, y, loss_on=loss_on, truncate=truncate)
        bound, norms = analysis.grad_hidden_bound(model, trace), analysis.grad_norms(trace)
        assert bound["hidden"].shape == (20, B) and bound["hidden_mean"].shape == (20,)
        assert np.all(bound["hidden"] >= norms["hidden"] * (1 - 1e-12))
        assert np.all(bound["hidden_mean"] >= norms["hidden_mean"] * (1 - 1e-12))
        np.testing.assert_allclose(bound["hidden_mean"], bound["hidden"].mean(axis=1), rtol=1e-15)
        assert bound["hidden"][-1] == pytest.approx(norms["hidden"][-1], rel=1e-12)  # nothing after T


def test_grad_hidden_bound_loss_on_last_is_the_jacobian_bound_through_the_last_step():
    model, x, y = make("rnn", T=15, spectral_radius=1.3)
    trace = model.run(x, y, loss_on="last")
    last = analysis.grad_norms(trace)["hidden_mean"][-1]
    jacobian_bound = analysis.jacobian_norms(model, trace)["bound"]
    np.testing.assert_allclose(
        analysis.grad_hidden_bound(model, trace)["hidden_mean"], jacobian_bound * last, rtol=1e-9
    )


def test_grad_hidden_bound_stays_inside_the_truncation_chunk():
    """Chunks [0, 4), [4, 8), [8, 10) and the loss at the last step: only the last chunk has a bound."""
    model, x, y = make("rnn", T=10, spectral_radius=2.0)
    trace = model.run(x, y, loss_on="last", truncate=4)
    bound = analysis.grad_hidden_bound(model, trace)["hidden"]
    assert np.all(bound[:8] == 0.0)
    sigma = np.linalg.svd(model.params["W_hh"], compute_uv=False)[0]
    np.testing.assert_allclose(bound[8], sigma * bound[9], rtol=1e-9)


def test_grad_hidden_bound_is_exact_for_one_positive_relu_unit():
    """H = 1, ReLU in its linear regime, W_hh = 0.9 and every direct gradient positive (ŷ_t > y_t at every
    step): dL/dh_t = Σ_s d_s 0.9^(s−t), the bound term for term."""
    model, x, y = make("rnn", T=30, sizes=(1, 1, 1), activation="relu")
    p = model.params
    p["W_hh"][:], p["W_xh"][:], p["b_h"][:], p["W_hy"][:], p["b_y"][:] = 0.9, 0.5, 0.1, 1.0, 0.0
    trace = model.run(np.abs(x), np.full_like(y, -5.0), loss_on="all")
    assert np.all(trace.hidden > 0)
    bound = analysis.grad_hidden_bound(model, trace)
    np.testing.assert_allclose(bound["hidden"], analysis.grad_norms(trace)["hidden"], rtol=1e-12)


def test_grad_hidden_bound_is_none_for_gated_cells():
    for kind in ("lstm", "gru"):
        model, x, y = make(kind)
        trace = model.run(x, y)
        assert analysis.grad_hidden_bound(model, trace) is None
        with pytest.raises(ValueError, match="RNN"):
            analysis.readout_grad_hidden(model, trace)


def test_nonfinite_steps_forward_earliest_backward_latest():
    model, x, y = make("lstm", T=10)
    trace = model.run(x, y)
    assert analysis.nonfinite_steps(trace) == {"forward": None, "backward": None}
    hidden, grad_hidden, grad_cell = trace.hidden.copy(), trace.grad_hidden.copy(), trace.grad_cell.copy()
    hidden[[5, 8], 1, 0] = np.nan
    grad_hidden[3, 0, 2] = np.inf
    grad_cell[7, 2, 1] = np.nan  # the backward pass meets ‖dL/dc_t‖ first here
    broken = replace(trace, hidden=hidden, grad_hidden=grad_hidden, grad_cell=grad_cell)
    assert analysis.nonfinite_steps(broken) == {"forward": 5, "backward": 7}
    step_loss = trace.step_loss.copy()
    step_loss[9] = np.inf  # an overflowing loss at the last step is a forward overflow
    assert analysis.nonfinite_steps(replace(trace, step_loss=step_loss)) == {"forward": 9, "backward": None}


# ---- exploding runs, and the helpers ----


def test_analyses_flag_an_exploding_run_without_raising():
    """W_hh = 256 I with relu: h_t reaches inf at step 128 (0-based) and NaN after it. Nothing may raise or
    warn (pytest turns RuntimeWarnings from app.* into errors); the Jacobians through a NaN state are NaN,
    not zero, and first_nonfinite finds where that starts. Up to there every number is exact, including
    ∂ŷ_127/∂x_0 = 256^127 W_hy W_xh, whose norm is near the top of the float64 range."""
    model, x, y = make("rnn", T=140, activation="relu")
    model.params["W_hh"][:] = 256 * np.eye(H)
    model.params["b_h"][:] = 10.0
    trace = model.run(x, y)
    assert not trace.finite
    assert analysis.first_nonfinite(trace.hidden) == 128
    assert analysis.first_nonfinite(analysis.grad_norms(trace)["hidden"]) is not None
    assert analysis.first_nonfinite(analysis.weight_grad_contributions(model, trace)["W_hh"]) is not None
    result = analysis.jacobian_norms(model, trace, EXAMPLE)
    assert result["norm"][-1] == 1.0
    assert np.isnan(result["norm"][:-1]).all()  # every product passes through the NaN states
    assert np.isinf(result["bound"][0])  # 256^139 = 2^1112 is beyond float64
    C = analysis.connectivity(model, trace, EXAMPLE)
    assert analysis.first_nonfinite(C[:, 0]) == 129  # ŷ_128 still depends linearly on x_0; ŷ_129 is NaN
    scale = np.linalg.norm(model.params["W_hy"] @ model.params["W_xh"])
    assert C[127, 0] == pytest.approx(np.ldexp(scale, 8 * 127), rel=1e-12)


def test_first_nonfinite_finite_entries_whose_sum_overflows():
    a = np.full((4, 3), 1e308)
    assert analysis.first_nonfinite(a) is None
    a[2, 1] = -np.inf
    assert analysis.first_nonfinite(a) == 2


def test_first_nonfinite_finds_the_earliest_step():
    a = np.zeros((5, 2, 3))
    assert analysis.first_nonfinite(a) is None
    a[3, 1, 2] = np.inf
    a[4, 0, 0] = np.nan
    assert analysis.first_nonfinite(a) == 3
    assert analysis.first_nonfinite(np.array([1.0, np.nan])) == 1
    assert analysis.first_nonfinite(np.zeros(0)) is None


@pytest.mark.parametrize("kind", KINDS)
def test_analyse_gives_every_analysis_at_once(kind):
    model, x, y = make(kind)
    trace = model.run(x, y)
    result = analysis.analyse(model, trace, EXAMPLE)
    np.testing.assert_array_equal(result["connectivity"], analysis.connectivity(model, trace, EXAMPLE))
    np.testing.assert_array_equal(
        result["jacobian_norms"]["norm"], analysis.jacobian_norms(model, trace, 1)["norm"]
    )
    np.testing.assert_array_equal(result["grad_norms"]["hidden"], analysis.grad_norms(trace)["hidden"])
    for name, norms in analysis.weight_grad_contributions(model, trace).items():
        np.testing.assert_array_equal(result["weight_grad_contributions"][name], norms)
    beside = analysis.analyse(model, trace, EXAMPLE, parallel=True)  # the same operations, on two threads
    assert list(beside) == list(result)
    np.testing.assert_array_equal(beside["jacobian_norms"]["norm"], result["jacobian_norms"]["norm"])
    np.testing.assert_array_equal(beside["connectivity"], result["connectivity"])
    forward_only = analysis.analyse(model, model.run(x, y, backward=False), EXAMPLE, parallel=True)
    assert forward_only["grad_norms"] is None
    assert forward_only["weight_grad_contributions"] is None
    np.testing.assert_array_equal(forward_only["connectivity"], result["connectivity"])
    assert forward_only["weight_grad_contributions"] is None
    np.testing.assert_array_equal(forward_only["connectivity"], result["connectivity"])
