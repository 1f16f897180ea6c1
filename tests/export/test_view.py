"""Reading a view as the page reads it: a share link's state (preset first, the link's own values on top), the
training batch as its own parameter, a lesson link starting from its scene, and the requests of every lesson
scene, including what the lesson's widgets ask for beyond their presets."""

import re

import pytest

from app.export.view import LESSON_CHANGES, LESSON_FULL_BPTT, lesson_presets, query_of, state_of, views_for
from app.paths import STATIC_DIR
from app.web.presets import PRESETS


@pytest.fixture(scope="module")
def meta(client):
    return client.get("/api/meta").json()


def non_default(meta, endpoint: str, config: dict) -> dict:
    params = meta["parameters"][endpoint]
    return {name: value for name, value in config.items() if value != params[name]["default"]}


def test_a_link_starts_from_its_preset_and_its_own_values_win(meta):
    state = state_of(meta, "preset=vanishing&spectral_radius=1.2&lang=ko")
    expected = non_default(meta, "trace", PRESETS["vanishing"]["trace"]) | {"spectral_radius": 1.2}
    assert state.request("trace") == expected
    assert state.get("preset") == "vanishing" and state.get("lang") == "ko"
    assert "lang" not in state.request("trace")


def test_the_training_batch_is_a_parameter_of_its_own(meta):
    state = state_of(meta, "preset=lstm-learns&train_batch=16&batch=4")
    assert state.request("train")["batch"] == 16
    assert state.request("trace")["batch"] == 4


def test_link_values_are_read_as_the_page_reads_them(meta):
    state = state_of(meta, "T=abc&cells=rnn&cells=gru&truncate=&projection=1&seed=7")
    assert state.request("trace") == {
        "T": "abc",
        "cells": ["rnn", "gru"],
        "seed": 7,
    }  # truncate= is null, the default
    assert state.get("projection") is True


def test_a_lesson_link_starts_from_its_scenes_preset_unless_it_has_settings(meta):
    scenes = lesson_presets()
    assert state_of(meta, "lesson=3", scenes).get("preset") == scenes[2]
    assert state_of(meta, "lesson=99", scenes).get("lesson") == len(scenes)
    own = state_of(meta, "lesson=3&T=20", scenes)
    assert own.get("preset") is None and own.request("trace") == {"T": 20}


def test_query_of_a_whole_link_a_path_or_a_query():
    assert query_of("http://192.168.1.20:8000/?preset=bptt&T=40") == "preset=bptt&T=40"
    assert query_of("/?preset=bptt") == "preset=bptt"
    assert query_of("preset=bptt") == "preset=bptt"


def test_the_lesson_needs_every_scene_and_what_its_widgets_ask_for(meta):
    start, views = views_for(meta, preset=None, url=None, lesson=True, with_training=True)
    assert start == "?lesson=1"
    by_label = {view.label: view for view in views}
    assert set(lesson_presets()) <= set(by_label)
    exploding = by_label["spectral-radius-bound with spectral_radius = 2.0"]
    assert exploding.trace["spectral_radius"] == 2.0 and exploding.preset is None
    cut = by_label["truncated-bptt-cut"]
    assert cut.extra_traces == [cut.trace | {"truncate": None}]
    assert by_label["lstm-learns"].train is not None and by_label["step-t"].train is None
    _, untrained = views_for(meta, preset=None, url=None, lesson=True, with_training=False)
    assert all(view.train is None for view in untrained)


def test_a_link_into_a_scene_holds_what_that_scenes_widget_asks_for(meta):
    n = lesson_presets().index("truncated-bptt-cut") + 1
    _, (view,) = views_for(meta, preset=None, url=f"/?lesson={n}&T=30", lesson=False, with_training=True)
    assert view.trace["T"] == 30 and view.extra_traces == [view.trace | {"truncate": None}]


def test_the_lessons_widgets_ask_for_nothing_else():
    """What the widgets of static/js/lesson/widgets.js set by a button, and the full-BPTT trace of the
    truncation scene, are the changes the export adds: a new button value must be added there too."""
    widgets = (STATIC_DIR / "js" / "lesson" / "widgets.js").read_text(encoding="utf-8")
    pressed = {float(v) for v in re.findall(r"=> set\(([\d.]+)\)", widgets)}
    held = {PRESETS["spectral-radius-bound"]["trace"]["spectral_radius"]}
    held |= {change["spectral_radius"] for change in LESSON_CHANGES["spectral-radius-bound"]}
    assert pressed and pressed <= held
    assert "truncate: null" in widgets and LESSON_FULL_BPTT == {"truncated-bptt-cut"}


def test_an_unknown_preset_is_refused(meta):
    with pytest.raises(ValueError, match="no preset named 'nope'"):
        views_for(meta, preset="nope", url=None, lesson=False, with_training=True)
