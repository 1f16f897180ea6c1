"""Lesson presets: complete, valid configurations with English and Korean text, each one runnable."""

import pytest

from app.web.presets import PRESETS
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


def test_training_presets_are_the_cores():
    import dataclasses

    from app.core.presets import TRAIN_PRESETS, train_config
    from app.web.train_run import core_config

    defaults = {
        "activation": "tanh",
        "recurrent_init": "random",
        "spectral_radius": None,
        "input_scale": 1.0,
        "output_scale": 1.0,
        "forget_bias": 1.0,
        "update_bias": 0.0,
    }
    for name in TRAIN_PRESETS:
        ours = core_config(TrainConfig(**PRESETS["lstm-learns" if name == "classroom" else name]["train"]))
        theirs = train_config(name)
        assert dataclasses.replace(ours, init={}) == dataclasses.replace(theirs, init={})
        assert ours.init == defaults | theirs.init


def test_train_presets_are_within_the_budget(client):
    from app.settings import Settings
    from app.web.train_run import check_train_budget

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
