"""Lesson presets: complete, valid configurations with English and Korean text, each one runnable."""

import subprocess
import sys

import numpy as np
import pytest

from app.core.train import train
from app.web.payloads.presets import PRESETS, train_preset
from app.web.payloads.train_run import core_config
from app.web.schemas import TraceConfig, TrainConfig

LESSON = ("vanishing", "exploding", "forget-bias-0-vs-1", "truncated-bptt", "lstm-learns", "step-t", "bptt")


def test_the_lessons_presets_exist():
    assert set(LESSON) <= set(PRESETS)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_is_complete_and_bilingual(name):
    preset = PRESETS[name]
    for key in ("title", "description"):
        assert preset[key]["en"] and preset[key]["ko"]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in preset[key]["ko"])  # Hangul
    assert preset["trace"] or preset["train"]
    if preset["trace"]:
        assert set(preset["trace"]) == set(TraceConfig.model_fields)
    if preset["train"]:
        assert set(preset["train"]) == set(TrainConfig.model_fields)


@pytest.mark.parametrize("name", sorted(n for n, p in PRESETS.items() if p["trace"]))
def test_preset_trace_runs(client, name):
    r = client.post("/api/trace", json=PRESETS[name]["trace"])
    assert r.status_code == 200, r.text
    for variant in PRESETS[name]["compare"]:
        assert client.post("/api/trace", json=variant["trace"]).status_code == 200


def test_presets_show_what_they_say(client):
    def first_over_last(name, kind="rnn", **changes):
        cells = client.post("/api/trace", json=PRESETS[name]["trace"] | changes).json()["cells"]
        g = cells[kind]["grad_hidden_norm"]["data"]
        return g[0] / g[-1]

    assert first_over_last("vanishing") < 1e-6  # a hundred steps back the RNN's gradient has all but gone
    assert first_over_last("exploding") > 1e6  # and with spectral radius 4 it has exploded
    assert first_over_last("forget-bias-0-vs-1", "lstm") < first_over_last(
        "forget-bias-0-vs-1", "lstm", forget_bias=1.0
    )


def test_training_presets_count_updates_not_seconds():
    """What a class sees depends on the seed and the settings, never on the laptop's speed."""
    for name, preset in PRESETS.items():
        if preset["train"]:
            assert preset["train"]["seconds"] is None, name


def test_unknown_training_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="lstm-learns"):
        train_preset("nope")


@pytest.mark.slow
def test_the_lessons_run_is_the_same_on_a_busy_machine_and_carries_the_gradient_back_in_the_lstm_only():
    """The lesson's run to its end twice, once with another process keeping a core busy: counted in updates, it
    ends with the same numbers to the last bit. At its end (its claims are in test_claims) the gradient that
    reaches the first step is a useful share of the last step's for the LSTM (about 0.1), next to nothing for
    the RNN (about 1e-25), and one LSTM unit has opened its forget gate to nearly 1, the memory that carries
    the first number."""
    config = core_config(train_preset()).with_(snapshot_every=10_000)
    quiet = list(train(config))[-1]
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        loaded = list(train(config))[-1]
    finally:
        busy.kill()
        busy.wait()
    assert loaded["step"] == quiet["step"] == config.steps
    for kind, cell in quiet["cells"].items():
        assert loaded["cells"][kind]["test_loss"] == cell["test_loss"]
        np.testing.assert_array_equal(loaded["cells"][kind]["grad_hidden_norm"], cell["grad_hidden_norm"])
    final = quiet["cells"]
    reach = {k: c["grad_hidden_norm"][0] / c["grad_hidden_norm"][-1] for k, c in final.items()}
    assert reach["lstm"] > 1e-3 and reach["rnn"] < 1e-10
    assert final["lstm"]["gate_unit_means"]["f"].max() > 0.95


def test_train_presets_are_within_the_budget(client):
    from app.settings import Settings
    from app.web.payloads.train_run import check_train_budget

    for preset in PRESETS.values():
        if preset["train"]:
            check_train_budget(TrainConfig(**preset["train"]), Settings().work_budget)


def test_a_presets_trace_and_training_share_their_model_settings():
    # The page holds one value per setting: a preset whose trace and training run disagree would train a
    # different network from the one `gradflow experiment --preset` trains. Only the batch sizes are separate
    # settings on the page (batch and train_batch).
    for name, preset in PRESETS.items():
        if preset["trace"] and preset["train"]:
            shared = set(preset["trace"]) & set(preset["train"]) - {"batch"}
            differing = {k for k in shared if preset["trace"][k] != preset["train"][k]}
            assert not differing, (name, differing)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_the_gru_carries_gradient_at_the_page_defaults(client, seed):
    """With its update gate starting at b_z = 2 the GRU keeps most of h_{t−1} per step: at the page's defaults
    (T = 50) the gradient reaching t = 1 is at least 10× the plain RNN's (with b_z = 0 it was below it)."""
    cells = client.post("/api/trace", json={"cells": ["rnn", "lstm", "gru"], "seed": seed}).json()["cells"]
    first = {kind: cell["grad_hidden_norm"]["data"][0] for kind, cell in cells.items()}
    assert first["gru"] >= 10 * first["rnn"]
