"""Every preset's and scene's words hold for the numbers the API computes: each claim of
static/lesson/presets.json is evaluated on the preset's own payloads (trace, comparison traces, and the last
snapshot of its training run), in both languages' texts, and the evaluator itself can fail."""

import pytest

from app.web.payloads.claims import ClaimError, about_training, check_definitions, evaluate, quantity
from app.web.payloads.presets import LANGUAGES, PRESETS, SCENES, quoted, words
from app.web.payloads.train_run import run_to_end, start_payload
from app.web.schemas import TrainConfig

TRACED = sorted(n for n, p in PRESETS.items() if any(not about_training(p, c) for c in p["claims"]))
TRAINED = sorted(n for n, p in PRESETS.items() if any(about_training(p, c) for c in p["claims"]))


def trace_payloads(client, preset: dict) -> dict:
    payloads = {"trace": client.post("/api/trace", json=preset["trace"]).json(), "compare": []}
    for variant in preset["compare"]:
        payloads["compare"].append(client.post("/api/trace", json=variant["trace"]).json())
    return payloads


@pytest.mark.parametrize("name", TRACED)
def test_a_traced_presets_claims_hold(client, name):
    preset = PRESETS[name]
    results = evaluate(preset, trace_payloads(client, preset))
    assert results and all(r["holds"] for r in results), [r for r in results if not r["holds"]]


@pytest.mark.slow
@pytest.mark.parametrize("name", TRAINED)
def test_a_training_presets_claims_hold_at_its_end(name):
    """The run the page's Train button makes, counted in updates: only the last snapshot is needed, and it is
    the same whatever the snapshot cadence."""
    config = TrainConfig(**PRESETS[name]["train"])
    run = run_to_end(config.model_copy(update={"snapshot_every": config.steps}))
    assert run.status == "done" and run.reason == "steps"
    results = evaluate(PRESETS[name], {"trace": start_payload(config), "train": run.snapshots[-1]})
    assert results and all(r["holds"] for r in results), [r for r in results if not r["holds"]]


def test_every_preset_with_numbers_in_its_words_says_which():
    """A preset whose words state a measured fact carries claims; texts quote only its quantities."""
    for name, preset in PRESETS.items():
        for lang in LANGUAGES:
            assert quoted(preset["description"][lang]) <= set(preset["quantities"]), (name, lang)
        if preset["quantities"]:
            assert preset["claims"], name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scene_texts_quote_only_their_presets_quantities(lang):
    texts = words(lang)
    for scene in SCENES:
        text = texts[f"lesson.scene.{scene['id']}.text"]
        assert quoted(text) <= set(PRESETS[scene["preset"]]["quantities"]), (lang, scene["id"])


def payload(curve, **cell):
    return {"trace": {"cells": {"rnn": {"grad_hidden_norm": {"data": curve}, **cell}}}}


def test_quantities_read_the_payload():
    p = payload([1e-6, 1e-3, 1.0], sigma_max=1.5)
    assert quantity({"of": "ratio", "cell": "rnn", "field": "grad_hidden_norm"}, p) == pytest.approx(1e-6)
    assert quantity({"of": "per_step", "cell": "rnn", "field": "grad_hidden_norm"}, p) == pytest.approx(1e-3)
    assert quantity({"of": "rises", "cell": "rnn", "field": "grad_hidden_norm"}, p) == 0
    assert (
        quantity({"of": "rises", "cell": "rnn", "field": "grad_hidden_norm"}, payload([2.0, 1.0, 3.0])) == 1
    )
    assert (
        quantity({"of": "zero_before", "cell": "rnn", "field": "grad_hidden_norm"}, payload([0, 0, 2.0])) == 2
    )
    assert quantity({"of": "value", "cell": "rnn", "field": "sigma_max"}, p) == 1.5


def test_gate_lift_is_the_largest_units_opening_at_marked_steps():
    trace = {
        "example": {"inputs": {"data": [[0.3, 0.0], [0.1, 1.0], [0.5, 0.0], [0.2, 1.0]]}},
        "cells": {"lstm": {"gates": {"i": {"data": [[0.1, 0.5], [0.9, 0.5], [0.1, 0.4], [0.7, 0.6]]}}}},
    }
    lift = quantity({"of": "gate_lift", "cell": "lstm", "field": "i"}, {"trace": trace})
    assert lift == pytest.approx(0.8 - 0.1)  # unit 0 opens from 0.1 to 0.8 on average; unit 1 hardly moves


def test_a_false_claim_fails():
    preset = {
        "name": "x",
        "quantities": {"left": {"of": "ratio", "cell": "rnn", "field": "grad_hidden_norm"}},
        "claims": [{"left": "left", "op": ">=", "value": 1e-3}],
    }
    (result,) = evaluate(preset, payload([1e-6, 1.0]))
    assert not result["holds"] and result["left_value"] == pytest.approx(1e-6)


def test_malformed_claims_are_refused():
    with pytest.raises(ClaimError, match="no quantity"):
        check_definitions({"name": "x", "quantities": {}, "claims": [{"left": "a", "op": "<", "value": 1}]})
    with pytest.raises(ClaimError, match="unknown kind"):
        check_definitions({"name": "x", "quantities": {"a": {"of": "median"}}, "claims": []})
    with pytest.raises(ClaimError, match="no comparison"):
        check_definitions(
            {
                "name": "x",
                "quantities": {"a": {"of": "first"}},
                "claims": [{"left": "a", "op": "≈", "value": 1}],
            }
        )


def test_a_trained_trace_is_held_to_the_training_runs_limits(client):
    """trained_steps trains before it traces: a request whose training would be refused as a run of its own
    is refused the same way, naming the steps, before anything is computed."""
    r = client.post("/api/trace", json={"cells": ["rnn"], "T": 200, "H": 64, "trained_steps": 3000})
    assert r.status_code == 422
    assert "steps = 3000" in r.json()["message"]
