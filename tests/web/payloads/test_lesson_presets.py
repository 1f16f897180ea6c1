"""The lesson's presets and scenes: every scene of static/lesson/scenes.json names a preset the API serves and
has its words in both languages, and the preset made for the truncated-BPTT scene shows what it says."""

import json
import re

import pytest

from app.paths import STATIC_DIR
from app.web.payloads.presets import PRESETS, SCENES


def scenes() -> list[dict]:
    """The scenes as the API serves them, in order."""
    return SCENES


def test_the_scenes_follow_the_lecture():
    ids = [s["id"] for s in scenes()]
    assert ids[:6] == ["unrolled", "step", "error", "bptt", "vanishing", "truncated"]
    assert ids[6:9] == ["forget", "input", "output"]  # the LSTM's gates, one at a time
    assert ids[-2:] == ["rnn-vs-lstm", "training"]


def test_every_scene_names_a_preset_the_api_serves(client):
    served = {p["name"]: p for p in client.get("/api/presets").json()["presets"]}
    for scene in scenes():
        assert scene["preset"] in served, scene
    # the last scene trains: its preset is the lesson's training run
    assert served[scenes()[-1]["preset"]]["train"] is not None


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_scene_has_its_words(lang):
    words = json.loads((STATIC_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    for scene in scenes():
        for part in ("title", "text"):
            assert words.get(f"lesson.scene.{scene['id']}.{part}", "").strip(), (lang, scene["id"], part)


def test_every_scene_points_at_a_chart_of_the_page():
    template = (STATIC_DIR.parent / "templates" / "index.html").read_text(encoding="utf-8")
    views = set(re.findall(r'\{"id": "(\w+)"', template)) | {"lesson"}
    assert {s["view"] for s in scenes()} <= views


def test_truncated_bptt_cut_reaches_only_the_last_chunk(client):
    config = PRESETS["truncated-bptt-cut"]["trace"]
    k, T = config["truncate"], config["T"]
    cut = client.post("/api/trace", json=config).json()["cells"]
    full = client.post("/api/trace", json=config | {"truncate": None}).json()["cells"]
    for kind in config["cells"]:
        g_cut = cut[kind]["grad_hidden_norm"]["data"]
        g_full = full[kind]["grad_hidden_norm"]["data"]
        assert g_cut[: T - k] == [0.0] * (T - k)  # no gradient crosses the cut before the last chunk
        assert all(v > 0 for v in g_cut[T - k :])
        assert g_cut[T - k :] == g_full[T - k :]  # inside the chunk, exactly full BPTT's gradient
        assert all(v > 0 for v in g_full)


@pytest.mark.parametrize("rho", [0.5, 0.9, 1.5, 2.0])
def test_spectral_radius_bound_is_tight_on_sigma_and_holds(client, rho):
    config = PRESETS["spectral-radius-bound"]["trace"] | {"spectral_radius": rho}
    rnn = client.post("/api/trace", json=config).json()["cells"]["rnn"]
    assert rnn["sigma_max"] == pytest.approx(
        rho, rel=1e-3
    )  # orthogonal W_hh: σ_max = ρ, the bound is ρ^(T−t)
    T = config["T"]
    assert rnn["jacobian_bound"]["data"][0] == pytest.approx(rho ** (T - 1), rel=1e-2)
    for norm, bound in zip(rnn["jacobian_norm"]["data"], rnn["jacobian_bound"]["data"], strict=True):
        assert norm <= bound * (1 + 1e-3)


def test_spectral_radius_below_one_vanishes_and_two_explodes(client):
    def first_over_last(rho):
        config = PRESETS["spectral-radius-bound"]["trace"] | {"spectral_radius": rho}
        g = client.post("/api/trace", json=config).json()["cells"]["rnn"]["grad_hidden_norm"]["data"]
        return g[0] / g[-1]

    radius = next(scene for scene in SCENES if scene["widget"] == "radius")
    pressed = {b["id"]: b["set"]["spectral_radius"] for b in radius["buttons"]}
    assert first_over_last(pressed["vanishing"]) < 1e-6  # the lesson's "vanishing" button
    assert first_over_last(pressed["exploding"]) > 1e2  # and its "exploding" one


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_classroom_word_the_scripts_name_exists(lang, script_strings):
    """Keys the lesson's scripts hold as data (row labels, widget words), not only in t("…") calls: every
    string of theirs (as a JavaScript parser reads them) that has the form of such a key."""
    words = json.loads((STATIC_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    scripts = [path for path in script_strings if path.startswith("lesson/") or path == "share.js"]
    named = set()
    for path in scripts:
        named |= {
            s
            for s in script_strings[path]["strings"]
            if re.fullmatch(r"(?:lesson|classroom|keys)\.[\w.-]+", s)
        }
    assert len(named) > 40
    assert sorted(named - set(words)) == []
