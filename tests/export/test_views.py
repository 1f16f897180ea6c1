"""What an export holds for a view: a share link read as the page reads it (preset first, the link's own values
on top, the training batch under its own key, a lesson link starting from its scene's preset), and what each
lesson scene's widget asks for, from the scenes' data. The page's own state (static/js/state.js, run in
Node.js) must ask the API for the same configurations."""

import pytest

from app.export.views import query_of, request, views_for
from app.paths import STATIC_DIR
from app.web.payloads.presets import PRESETS, SCENES
from tests.node import module_url, run_module_script

# main.js's start: the link, then its preset with the link's own values on top; then each request's body.
PAGE = """
import { State, buildTable } from %s;
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { meta, links } = JSON.parse(input);
  const out = links.map((query) => {
    const state = new State(buildTable(meta));
    state.readURL(query);
    const preset = meta.presets.find((p) => p.name === state.get("preset"));
    if (preset) {
      state.resetModel();
      state.apply("train", preset.train);
      state.apply("trace", preset.trace);
      state.readURL(query, true);
    }
    return Object.fromEntries(["trace", "gradcheck", "train"].map((e) => [e, state.request(e)]));
  });
  process.stdout.write(JSON.stringify(out));
});
"""


@pytest.fixture(scope="module")
def meta(client):
    return client.get("/api/meta").json()


def link(meta, query: str):
    _, views = views_for(meta, preset=None, url=query, lesson=False, with_training=True)
    return views


def whole(meta, endpoint: str, body: dict) -> dict:
    return request(meta, endpoint, {meta["parameters"][endpoint][n]["key"]: v for n, v in body.items()})


def test_a_link_starts_from_its_preset_and_its_own_values_win(meta):
    (view,) = link(meta, "preset=vanishing&spectral_radius=1.2&lang=ko")
    assert view.trace == PRESETS["vanishing"]["trace"] | {"spectral_radius": 1.2}
    assert view.gradcheck["spectral_radius"] == 1.2 and view.gradcheck["T"] == view.trace["T"]
    assert view.preset == "vanishing" and view.train is None


def test_the_training_batch_is_a_parameter_of_its_own(meta):
    (view,) = link(meta, "preset=lstm-learns&train_batch=16&batch=4")
    assert view.train["batch"] == 16
    assert view.trace["batch"] == 4 and view.gradcheck["batch"] == 4


def test_link_values_are_read_as_their_types(meta):
    (view,) = link(meta, "T=40&cells=rnn&cells=gru&truncate=&projection=1&seed=7&lr=0.05")
    assert view.trace == whole(meta, "trace", {"T": 40, "cells": ["rnn", "gru"], "seed": 7, "truncate": None})
    assert view.train["lr"] == 0.05  # a training-only field: the view trains
    assert link(meta, "T=40")[0].train is None


@pytest.mark.parametrize(
    ("query", "message"),
    [("T=abc", "T='abc' is not a whole number"), ("lr=x", "lr='x' is not a finite number")],
)
def test_a_link_value_of_the_wrong_type_is_refused_by_name(meta, query, message):
    with pytest.raises(ValueError, match=message):
        link(meta, query)


def test_a_lesson_link_starts_from_its_scenes_preset_unless_it_has_settings(meta):
    assert link(meta, "lesson=3")[0].preset == SCENES[2]["preset"]
    assert link(meta, "lesson=99")[0].preset == SCENES[-1]["preset"]
    (own,) = link(meta, "lesson=3&T=20")
    assert own.preset is None and own.trace == whole(meta, "trace", {"T": 20})


def test_query_of_a_whole_link_a_path_or_a_query():
    assert query_of("http://192.168.1.20:8000/?preset=bptt&T=40") == "preset=bptt&T=40"
    assert query_of("/?preset=bptt") == "preset=bptt"
    assert query_of("preset=bptt") == "preset=bptt"


def test_the_lesson_holds_every_scene_and_what_its_widgets_ask_for(meta):
    start, views = views_for(meta, preset=None, url=None, lesson=True, with_training=True)
    assert start == "?lesson=1"
    by_label = {view.label: view for view in views}
    assert {scene["preset"] for scene in SCENES} <= set(by_label)
    radius = next(scene for scene in SCENES if scene["widget"] == "radius")
    assert [b["set"] for b in radius["buttons"]] == [{"spectral_radius": 0.9}, {"spectral_radius": 2.0}]
    exploding = by_label["spectral-radius-bound with spectral_radius = 2.0"]
    assert exploding.trace == PRESETS["spectral-radius-bound"]["trace"] | {"spectral_radius": 2.0}
    assert exploding.gradcheck["spectral_radius"] == 2.0 and exploding.preset is None
    cut = by_label["truncated-bptt-cut"]
    assert cut.trace["truncate"] is not None and cut.extra_traces == [cut.trace | {"truncate": None}]
    assert by_label["lstm-learns"].train is not None and by_label["step-t"].train is None
    _, untrained = views_for(meta, preset=None, url=None, lesson=True, with_training=False)
    assert all(view.train is None for view in untrained)


def test_a_link_into_a_scene_holds_what_that_scenes_widget_asks_for(meta):
    n = next(i for i, scene in enumerate(SCENES, start=1) if scene["widget"] == "truncate")
    (view,) = link(meta, f"/?lesson={n}&T=30")
    assert view.trace["T"] == 30 and view.extra_traces == [view.trace | {"truncate": None}]


def test_a_preset_holds_what_it_is_compared_with(meta):
    (view,) = link(meta, "preset=forget-bias-0-vs-1")
    assert view.extra_traces == [c["trace"] for c in PRESETS["forget-bias-0-vs-1"]["compare"]]


def test_an_unknown_preset_is_refused(meta):
    with pytest.raises(ValueError, match="no preset named 'nope'"):
        views_for(meta, preset="nope", url=None, lesson=False, with_training=True)


def test_the_page_asks_for_the_same_configurations(meta):
    """The page's state (state.js) and the export read a link to the same whole configurations."""
    links = [
        "preset=vanishing&spectral_radius=1.2&lang=ko",
        "preset=lstm-learns&train_batch=16&batch=4",
        "preset=three-cells",
        "T=40&cells=rnn&cells=gru&truncate=&seed=7&lr=0.05",
        "task=copy&H=24&forget_bias=0&snapshot_every=5",
    ]
    script = PAGE % module_url(STATIC_DIR / "js" / "state.js")
    pages = run_module_script(script, {"meta": meta, "links": links}, "the page's state")
    for query, page in zip(links, pages, strict=True):
        (view,) = link(meta, query)
        assert whole(meta, "trace", page["trace"]) == view.trace, query
        assert whole(meta, "gradcheck", page["gradcheck"]) == view.gradcheck, query
        assert whole(meta, "train", page["train"]) == (view.train or whole(meta, "train", page["train"])), (
            query
        )
