"""POST/GET /api/gradcheck: backprop through time against centred finite differences."""

import numpy as np
import pytest

from app.web.gradcheck import TOLERANCE


def test_gradients_of_every_kind_match_finite_differences(client):
    body = client.post(
        "/api/gradcheck", json={"cells": ["rnn", "lstm", "gru"], "T": 8, "H": 5, "batch": 3, "samples": 12}
    ).json()
    assert body["passed"] is True and body["tolerance"] == TOLERANCE
    for kind, cell in body["cells"].items():
        assert len(cell["checks"]) == 12
        names = {c["param"] for c in cell["checks"]}
        expected = {"rnn": 5, "lstm": 10, "gru": 8}[kind]  # every parameter checked at least once
        assert len(names) == expected
        errors = [c["relative_error"] for c in cell["checks"]]
        assert cell["worst_relative_error"] == max(errors) < TOLERANCE
        for c in cell["checks"]:
            assert c["analytic"] == pytest.approx(c["numeric"], rel=1e-3, abs=1e-9)
    assert body["worst_relative_error"] == max(c["worst_relative_error"] for c in body["cells"].values())


def test_softmax_mse_and_ce_and_relu(client):
    for config in (
        {"cells": ["rnn"], "task": "recall_first", "T": 6, "loss": "mse", "samples": 8},
        {"cells": ["lstm"], "task": "copy", "delay": 3, "S": 2, "samples": 8},
        {"cells": ["rnn"], "activation": "relu", "T": 10, "loss_on": "all", "samples": 8},
    ):
        body = client.get("/api/gradcheck", params=config).json()
        assert body["passed"] is True, body


def test_truncated_configuration_checks_the_full_gradient(client):
    body = client.post("/api/gradcheck", json={"cells": ["rnn"], "T": 12, "truncate": 3, "samples": 6}).json()
    assert body["truncate_ignored"] is True and body["passed"] is True


def test_a_wrong_gradient_would_be_caught(client, monkeypatch):
    """The check can fail: perturb the analytic gradient the check reads and the error shows up."""
    import app.web.gradcheck as gradcheck

    original = gradcheck.prepare

    def skewed(config):
        prep = original(config)
        run = prep.run

        def wrong(kind, full_bptt=False):
            trace = run(kind, full_bptt)
            trace.grads = {name: g * 1.01 for name, g in trace.grads.items()}
            return trace

        prep.run = wrong
        return prep

    monkeypatch.setattr(gradcheck, "prepare", skewed)
    body = client.post("/api/gradcheck", json={"cells": ["rnn"], "T": 5, "seed": 77, "samples": 5}).json()
    assert body["passed"] is False
    assert np.isclose(body["worst_relative_error"], 0.01 / 2.01, rtol=1e-2)
