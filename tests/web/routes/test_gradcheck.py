"""POST/GET /api/gradcheck: backprop through time against the complex-step derivative, in every regime the
page can reach: every preset, the ends of every control, and the cases where no check can decide."""

import numpy as np
import pytest

from app.core import gradcheck as core
from app.web.payloads.trace_payload import prepare
from app.web.routes.gradcheck import TOLERANCE
from app.web.schemas import GradcheckConfig


def test_gradients_of_every_kind_match_the_complex_step(client):
    body = client.post(
        "/api/gradcheck", json={"cells": ["rnn", "lstm", "gru"], "T": 8, "H": 5, "batch": 3, "samples": 12}
    ).json()
    assert body["status"] == "passed" and body["passed"] is True and body["reason"] is None
    assert body["tolerance"] == TOLERANCE and body["method"] == "complex-step"
    for kind, cell in body["cells"].items():
        assert len(cell["checks"]) == 12 and cell["status"] == "passed"
        names = {c["param"] for c in cell["checks"]}
        assert len(names) == {"rnn": 5, "lstm": 10, "gru": 8}[kind]  # every parameter checked at least once
        errors = [c["relative_error"] for c in cell["checks"]]
        assert cell["worst_relative_error"] == max(errors) < TOLERANCE
        for c in cell["checks"]:
            assert c["analytic"] == pytest.approx(c["numeric"], rel=1e-10, abs=1e-300)
    assert body["worst_relative_error"] == max(c["worst_relative_error"] for c in body["cells"].values())


def test_softmax_mse_and_ce_and_relu(client):
    for config in (
        {"cells": ["rnn"], "task": "recall_first", "T": 6, "loss": "mse", "samples": 8},
        {"cells": ["lstm"], "task": "copy", "delay": 3, "S": 2, "samples": 8},
        {"cells": ["rnn"], "activation": "relu", "T": 10, "loss_on": "all", "samples": 8},
    ):
        body = client.get("/api/gradcheck", params=config).json()
        assert body["status"] == "passed", body


def test_truncated_configuration_checks_the_full_gradient(client):
    body = client.post("/api/gradcheck", json={"cells": ["rnn"], "T": 12, "truncate": 3, "samples": 6}).json()
    assert body["truncate_ignored"] is True and body["status"] == "passed"


def test_epsilon_is_accepted_and_changes_nothing(client):
    config = {"cells": ["gru"], "T": 6, "H": 3, "samples": 4}
    first = client.post("/api/gradcheck", json=config).json()
    again = client.post("/api/gradcheck", json=config | {"epsilon": 1e-3})
    assert again.status_code == 200 and again.headers["x-cache"] == "hit"
    assert again.json()["cells"] == first["cells"]


def test_every_preset_passes(client):
    presets = client.get("/api/presets").json()["presets"]
    configs = [(p["name"], p["trace"]) for p in presets if p["trace"]]
    configs += [(p["name"], v["trace"]) for p in presets for v in p.get("compare") or []]
    assert any(name == "exploding" for name, _ in configs)
    for name, config in configs:
        body = client.post("/api/gradcheck", json=config).json()
        assert body["status"] == "passed" and body["worst_relative_error"] < TOLERANCE, (name, body["reason"])


def max_H(config: dict, budget: float) -> int:
    """The largest H the budget admits for this configuration."""
    from app.web.infrastructure.limits import WorkBudgetExceeded
    from app.web.routes.gradcheck import check_gradcheck_budget

    for H in range(256, 0, -1):
        try:
            check_gradcheck_budget(GradcheckConfig(**config, H=H), budget)
            return H
        except WorkBudgetExceeded:
            continue
    raise AssertionError("not even H = 1 fits")


EXTREMES = [
    {"cells": ["rnn"], "T": 500, "spectral_radius": 20, "activation": "tanh", "batch": 2},
    {"cells": ["rnn"], "T": 500, "spectral_radius": 0, "activation": "tanh", "batch": 2},
    {"cells": ["rnn"], "T": 500, "spectral_radius": 0, "activation": "relu", "batch": 2},
    {"cells": ["rnn"], "T": 120, "spectral_radius": 20, "activation": "relu", "task": "sine", "batch": 2},
    {"cells": ["rnn"], "T": 200, "spectral_radius": 20, "recurrent_init": "orthogonal", "batch": 2},
    {"cells": ["rnn"], "T": 200, "spectral_radius": 1, "recurrent_init": "identity", "activation": "relu"},
    {"cells": ["rnn"], "T": 200, "spectral_radius": None, "recurrent_init": "random", "input_scale": 10},
    {"cells": ["rnn", "lstm", "gru"], "task": "recall_first", "T": 200, "H": 1, "batch": 2},
    {"cells": ["lstm", "gru"], "T": 300, "forget_bias": 10, "update_bias": 10, "batch": 2},
    {"cells": ["lstm", "gru"], "T": 300, "forget_bias": -10, "update_bias": -10, "batch": 2},
    {"cells": ["rnn", "lstm", "gru"], "task": "copy", "output": "softmax", "loss": "mse", "output_scale": 10},
    {"cells": ["rnn", "lstm", "gru"], "task": "text", "T": 100, "truncate": 1, "batch": 2, "samples": 6},
    {"cells": ["rnn", "lstm", "gru"], "task": "latch", "T": 100, "batch": 2, "samples": 6},
    {"cells": ["rnn", "lstm", "gru"], "task": "sine", "T": 100, "batch": 2, "samples": 6},
]


@pytest.mark.parametrize("config", EXTREMES)
def test_the_ends_of_the_controls_pass(client, config):
    body = client.post("/api/gradcheck", json=config).json()
    assert body["status"] == "passed", body["reason"]
    assert body["worst_relative_error"] < TOLERANCE


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_the_largest_H_the_budget_admits_passes_at_T_500(app, client, kind):
    config = {"cells": [kind], "T": 500, "spectral_radius": 20}  # the page's batch and samples
    H = max_H(config, app.state.settings.work_budget)
    assert 32 < H < 256
    body = client.post("/api/gradcheck", json=config | {"H": H}).json()
    assert body["status"] == "passed", body["reason"]


def test_an_overflowing_forward_pass_is_not_checkable_and_says_where(client):
    config = {"cells": ["rnn", "lstm"], "T": 500, "spectral_radius": 20, "activation": "relu", "batch": 2}
    body = client.post("/api/gradcheck", json=config).json()
    trace = client.post("/api/trace", json=config).json()["cells"]["rnn"]
    assert body["status"] == "uncheckable" and body["passed"] is False
    assert body["reason"] == {
        "code": "forward_overflow",
        "step": trace["first_nonfinite_forward"],
        "param": None,
        "cell": "rnn",
    }
    assert body["cells"]["rnn"]["checks"] == [] and body["cells"]["lstm"]["status"] == "passed"


def test_a_relu_on_its_kink_is_not_checkable(client):
    """With W_hh = 0 and a zero input, a_t = 0 exactly: dL/db_h has two one-sided values there."""
    config = {"cells": ["rnn"], "task": "latch", "noise": 0, "activation": "relu", "spectral_radius": 0}
    body = client.post("/api/gradcheck", json=config).json()
    prep = prepare(GradcheckConfig(**config))
    assert (prep.x[-1] == 0).all()  # the latch's last input is blank: the last a_t is exactly b_h = 0
    assert body["status"] == "uncheckable"
    assert body["reason"] == {"code": "relu_kink", "step": len(prep.x) - 1, "param": "b_h", "cell": "rnn"}
    statuses = {c["param"]: c["status"] for c in body["cells"]["rnn"]["checks"]}
    assert statuses["b_h"] == "relu_kink" and statuses["W_hy"] == "passed"


@pytest.mark.parametrize(
    "config",
    [
        {"cells": ["rnn"], "T": 5},
        {"cells": ["lstm"], "T": 30, "forget_bias": -10},
        {"cells": ["gru"], "task": "copy", "output": "softmax", "loss": "mse"},
        {"cells": ["rnn"], "T": 500, "spectral_radius": 20, "batch": 2},
        {"cells": ["rnn"], "T": 120, "spectral_radius": 20, "activation": "relu", "task": "sine", "batch": 2},
    ],
)
def test_a_gradient_wrong_by_one_part_in_a_million_is_caught(client, monkeypatch, config):
    """Perturb one checked entry of the analytic gradient by (1 + 1e-6): the check must fail."""
    import app.web.routes.gradcheck as route

    cfg = GradcheckConfig(**config, samples=5, seed=77)
    prep = prepare(cfg)
    (kind,) = cfg.cells
    trace = prep.run(kind, full_bptt=True)
    entries = core.sample_entries(prep.models[kind].params, cfg.samples, np.random.default_rng(cfg.seed))
    name, index = max(entries, key=lambda e: abs(trace.grads[e[0]][e[1]]))  # one with a gradient to skew
    original = route.prepare

    def skewed(config, **options):
        prep = original(config, **options)
        run = prep.run

        def wrong(kind, full_bptt=False):
            trace = run(kind, full_bptt)
            trace.grads[name][index] *= 1 + 1e-6
            return trace

        prep.run = wrong
        return prep

    monkeypatch.setattr(route, "prepare", skewed)
    body = client.post("/api/gradcheck", json=cfg.model_dump()).json()
    assert body["status"] == "failed" and body["passed"] is False and body["reason"] is None
    (bad,) = [c for c in body["cells"][kind]["checks"] if c["status"] == "failed"]
    assert (bad["param"], tuple(bad["index"])) == (name, index)
    assert bad["relative_error"] == pytest.approx(1e-6, rel=1e-3)
