"""POST/GET /api/trace: the payload's contract, its numbers against the core's, overflow, caching."""

import json

import numpy as np
import pytest

from app.core import analysis, build_model, sigma_max, spectral_radius
from app.core.tasks import TASKS
from app.web.payloads.trace_payload import shown_steps, shown_units

CONFIG = {
    "cells": ["rnn", "lstm", "gru"],
    "T": 24,
    "H": 12,
    "batch": 4,
    "seed": 3,
    "example": 1,
    "max_units": 8,
}


def strict_loads(body: bytes):
    def refuse(token):
        raise ValueError(token)

    return json.loads(body, parse_constant=refuse)


@pytest.fixture(scope="module")
def payload(client):
    r = client.post("/api/trace", json=CONFIG)
    assert r.status_code == 200
    return strict_loads(r.content)


def core_traces():
    """The same run through the core directly: the batch drawn as the API documents, the same init."""
    task = TASKS["adding"]
    rng = np.random.default_rng(np.random.SeedSequence(3).spawn(2)[0])
    x, y = task.sample(rng, 4, T=24)
    out = {}
    for kind in CONFIG["cells"]:
        model = build_model(kind, 2, 12, 1, seed=3, spectral_radius=1.0, forget_bias=1.0, update_bias=2.0)
        out[kind] = (model, model.run(x, y, loss="mse", loss_on="last"))
    return x, y, out


def close(api, core, rtol=6e-4):
    """API numbers are rounded to 4 significant digits."""
    np.testing.assert_allclose(np.asarray(api, dtype=float), core, rtol=rtol, atol=1e-300)


def test_every_array_has_shape_axes_meaning_and_matching_data(payload):
    def walk(obj):
        if isinstance(obj, dict):
            if {"shape", "axes", "meaning", "data"} <= set(obj):
                yield obj
            else:
                for value in obj.values():
                    yield from walk(value)

    arrays = list(walk(payload))
    assert len(arrays) > 40
    for a in arrays:
        assert len(a["shape"]) == len(a["axes"]) and a["meaning"]
        assert list(np.asarray(a["data"], dtype=float).shape) == a["shape"]


def test_shapes_follow_the_configuration(payload):
    assert payload["sizes"] == {"T": 24, "B": 4, "D": 2, "H": 12, "K": 1}
    assert payload["config"]["T"] == 24 and payload["config"]["loss_on"] == "last"
    assert list(payload["cells"]) == ["rnn", "lstm", "gru"]
    rnn, lstm, gru = (payload["cells"][k] for k in ("rnn", "lstm", "gru"))
    units = rnn["units"]
    assert units == shown_units(12, 8).tolist() and len(units) == 8 and units[0] == 0 and units[-1] == 11
    assert rnn["hidden"]["shape"] == [24, 8] and rnn["hidden"]["axes"] == ["t", "unit"]
    assert rnn["cell"] is None and rnn["gates"] == {} and rnn["grad_cell_norm"] is None
    assert set(lstm["gates"]) == {"f", "i", "g", "o"} and lstm["cell"]["shape"] == [24, 8]
    assert set(gru["gates"]) == {"z", "r", "n"} and gru["jacobian_bound"] is None
    assert set(lstm["weight_grad"]) == {"W_f", "W_i", "W_g", "W_o"} and set(rnn["weight_grad"]) == {"W_hh"}
    assert rnn["connectivity"]["shape"] == [24, 24] and rnn["connectivity"]["steps"] == list(range(24))
    assert payload["example"]["inputs"]["shape"] == [24, 2] and payload["example"]["targets"]["shape"] == [
        24,
        1,
    ]
    assert payload["example"]["loss_mask"]["data"] == [0] * 23 + [1]
    assert payload["task"]["name"] == "adding" and payload["overflow"] is False


def test_numbers_equal_the_cores(payload):
    x, _, runs = core_traces()
    ex, units = 1, shown_units(12, 8)
    close(payload["example"]["inputs"]["data"], x[:, ex])
    for kind, (model, trace) in runs.items():
        cell = payload["cells"][kind]
        norms = analysis.grad_norms(trace)
        jac = analysis.jacobian_norms(model, trace, example=ex)
        assert cell["loss"] == pytest.approx(trace.loss, rel=6e-4)
        close(cell["hidden"]["data"], trace.hidden[:, ex][:, units])
        close(cell["grad_hidden"]["data"], trace.grad_hidden[:, ex][:, units])
        close(cell["step_loss"]["data"], trace.step_loss)
        close(cell["grad_hidden_norm"]["data"], norms["hidden_mean"])
        close(cell["grad_hidden_norm_example"]["data"], norms["hidden"][:, ex])
        close(cell["jacobian_norm"]["data"], jac["norm"])
        for name, curve in analysis.weight_grad_contributions(model, trace).items():
            close(cell["weight_grad"][name]["data"], curve)
        C = analysis.connectivity(model, trace, example=ex)
        api_C = np.array(cell["connectivity"]["data"], dtype=float)
        assert np.isnan(api_C[np.triu_indices(24, 1)]).all()
        close(api_C[np.tril_indices(24)], C[np.tril_indices(24)])
        for name, g in trace.grads.items():
            assert cell["grad_norms"][name] == pytest.approx(np.linalg.norm(g), rel=6e-4)
        if kind == "lstm":
            close(cell["grad_cell_norm"]["data"], norms["cell_mean"])
            close(cell["gates"]["f"]["data"], trace.gates["f"][:, ex][:, units])
            close(cell["gate_means"]["f"]["data"], trace.gates["f"].mean(axis=(1, 2)))
        if kind == "rnn":
            W = model.params["W_hh"]
            assert cell["spectral_radius"] == pytest.approx(spectral_radius(W), rel=6e-4)
            assert cell["sigma_max"] == pytest.approx(sigma_max(W), rel=6e-4)
            close(cell["jacobian_bound"]["data"], jac["bound"])
            close(cell["grad_hidden_bound"]["data"], analysis.grad_hidden_bound(model, trace)["hidden_mean"])
        else:
            assert cell["grad_hidden_bound"] is None


def test_get_with_query_parameters_equals_post(client, payload):
    params = [("cells", c) for c in CONFIG["cells"]] + [(k, v) for k, v in CONFIG.items() if k != "cells"]
    r = client.get("/api/trace", params=params)
    assert r.status_code == 200
    assert strict_loads(r.content) == payload


def test_identical_configurations_are_served_from_the_cache(client):
    config = {"cells": ["rnn"], "T": 9, "H": 3, "batch": 2, "seed": 11}
    first = client.post("/api/trace", json=config)
    second = client.post("/api/trace", json={**config, "V": 5})  # adding has no V: the same run
    assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
    assert first.content == second.content


def test_response_is_gzipped_when_accepted(client):
    r = client.post(
        "/api/trace", json={"cells": ["rnn"], "T": 9, "H": 3}, headers={"accept-encoding": "gzip"}
    )
    assert r.headers["content-encoding"] == "gzip" and r.headers["vary"] == "Accept-Encoding"


def test_overflow_is_valid_json_with_nulls_and_the_first_step(client):
    # spectral radius 10 over 200 steps: with ReLU the state grows like 10^t and the per-step MSE overflows
    r = client.post(
        "/api/trace",
        json={
            "cells": ["rnn", "lstm"],
            "task": "sine",
            "T": 200,
            "H": 16,
            "activation": "relu",
            "spectral_radius": 10,
        },
    )
    assert r.status_code == 200
    body = strict_loads(r.content)  # no NaN or Infinity tokens
    rnn = body["cells"]["rnn"]
    assert body["overflow"] is True and rnn["overflow"] is True and rnn["finite"] is False
    step = rnn["first_nonfinite_step"]
    assert isinstance(step, int) and 0 <= step < 200 and body["first_nonfinite_step"] == step
    assert rnn["loss"] is None
    assert None in rnn["step_loss"]["data"] and rnn["step_loss"]["overflow"] is True
    assert None in rnn["grad_hidden_norm"]["data"]
    assert body["cells"]["lstm"]["overflow"] is False  # the LSTM's gates keep it bounded


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_overflow_forward_and_backward_steps_are_the_cores(client, activation):
    """Spectral radius 10, T = 200: ReLU overflows the loss at the end of the forward pass, and its backward
    pass meets an infinite gradient long before reaching step 1; tanh saturates and stays finite. Each step
    is checked against the core's arrays for the same configuration."""
    config = {"cells": ["rnn", "lstm"], "task": "sine", "T": 200, "H": 16, "seed": 0}
    config |= {"activation": activation, "spectral_radius": 10}
    body = strict_loads(client.post("/api/trace", json=config).content)
    task = TASKS["sine"]
    x, y = task.sample(np.random.default_rng(np.random.SeedSequence(0).spawn(2)[0]), 8, T=200)
    for kind in ("rnn", "lstm"):
        model = build_model(kind, 1, 16, 1, seed=0, activation=activation, spectral_radius=10)
        trace = model.run(x, y, loss="mse", loss_on=task.loss_on)
        bad = [
            analysis.first_nonfinite(a)
            for a in (trace.hidden, trace.cell, trace.outputs, trace.step_loss)
            if a is not None and analysis.first_nonfinite(a) is not None
        ]
        forward = min(bad) if bad else None
        norms = analysis.grad_norms(trace)
        curves = [norms["hidden_mean"]] + ([norms["cell_mean"]] if kind == "lstm" else [])
        broken = np.flatnonzero(~np.isfinite(np.stack(curves)).all(axis=0))
        backward = int(broken.max()) if broken.size else None
        cell = body["cells"][kind]
        assert cell["first_nonfinite_forward"] == forward and cell["first_nonfinite_backward"] == backward
        if backward is not None:  # the plotted curve is null from there back to step 1, finite after it
            grad = cell["grad_hidden_norm"]["data"]
            assert grad[backward] is None and all(v is not None for v in grad[backward + 1 :])
    rnn = body["cells"]["rnn"]
    if activation == "relu":
        assert rnn["first_nonfinite_forward"] > rnn["first_nonfinite_backward"] + 100
        assert rnn["first_nonfinite_step"] == rnn["first_nonfinite_forward"]  # unchanged: the forward step
        assert body["first_nonfinite_backward"] == rnn["first_nonfinite_backward"]
        assert body["first_nonfinite_forward"] == rnn["first_nonfinite_forward"]
    else:
        assert rnn["overflow"] is False and rnn["first_nonfinite_forward"] is None
        assert rnn["first_nonfinite_backward"] is None and body["first_nonfinite_backward"] is None
    assert body["cells"]["lstm"]["first_nonfinite_backward"] is None


def test_grad_hidden_bound_bounds_the_headline_curve_for_every_loss_on(client):
    for loss_on, truncate in (("all", None), ("last", None), ("all", 7), ("last", 7)):
        for activation in ("tanh", "relu"):
            config = {"cells": ["rnn"], "task": "sine", "T": 30, "H": 8, "loss_on": loss_on}
            config |= {"truncate": truncate, "activation": activation, "spectral_radius": 1.5}
            rnn = client.post("/api/trace", json=config).json()["cells"]["rnn"]
            bound, grad = rnn["grad_hidden_bound"]["data"], rnn["grad_hidden_norm"]["data"]
            assert rnn["grad_hidden_bound"]["shape"] == [30] and rnn["grad_hidden_bound"]["axes"] == ["t"]
            assert all(b >= g for b, g in zip(bound, grad, strict=True))  # 4-digit rounding keeps the order
            assert bound[-1] == grad[-1]


def test_large_h_and_t_are_summarised(client):
    body = client.post(
        "/api/trace", json={"cells": ["lstm"], "T": 150, "H": 64, "batch": 1, "max_units": 16}
    ).json()
    lstm = body["cells"]["lstm"]
    assert len(lstm["units"]) == 16 and lstm["hidden"]["shape"] == [150, 16]
    assert lstm["connectivity"]["steps"] == shown_steps(150).tolist() and lstm["connectivity"]["shape"] == [
        100,
        100,
    ]
    assert lstm["grad_hidden_norm"]["shape"] == [150]


def test_weights_are_sent_on_request_sliced_to_the_units(client):
    body = client.post(
        "/api/trace", json={"cells": ["rnn", "lstm"], "T": 5, "H": 6, "max_units": 4, "include_weights": True}
    ).json()
    rnn, lstm = body["cells"]["rnn"]["weights"], body["cells"]["lstm"]["weights"]
    assert (
        rnn["W_hh"]["shape"] == [4, 4] and rnn["W_xh"]["shape"] == [4, 2] and rnn["W_hy"]["shape"] == [1, 4]
    )
    assert lstm["W_f"]["shape"] == [4, 4 + 2] and lstm["b_f"]["data"] == [1.0] * 4


def test_task_output_and_loss_overrides(client):
    # the lecture's pairing: softmax output scored by MSE against one-hot targets
    body = client.post(
        "/api/trace", json={"cells": ["rnn"], "task": "recall_first", "T": 6, "loss": "mse"}
    ).json()
    assert body["config"]["output"] == "softmax" and body["config"]["loss"] == "mse"
    assert body["example"]["targets"]["shape"] == [6, 4]
    labels = client.post("/api/trace", json={"cells": ["rnn"], "task": "recall_first", "T": 6}).json()
    assert labels["example"]["targets"]["shape"] == [6] and labels["config"]["loss"] == "ce"
    refused = client.post(
        "/api/trace", json={"cells": ["rnn"], "task": "sine", "loss": "ce", "output": "softmax"}
    )
    assert refused.status_code == 422 and "real-valued targets" in refused.json()["message"]


def test_truncation_cuts_the_gradient(client):
    body = client.post("/api/trace", json={"cells": ["rnn"], "T": 20, "truncate": 5}).json()
    g = body["cells"]["rnn"]["grad_hidden_norm"]["data"]
    assert all(v == 0 for v in g[:15]) and all(v > 0 for v in g[15:])  # loss at the last step only
