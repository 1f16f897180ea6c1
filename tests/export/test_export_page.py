"""An exported page in a real Chromium, opened from file:// with the network blocked: the charts draw the API's
own numbers, the lesson's scenes can be walked, a training run replays, and a setting the file does not hold
says so instead of leaving a blank chart or an error. And the file itself names nothing to load from a host.

Every page is guarded (conftest.py): a request beyond the file or a console error fails the test.
"""

import json
import re

import pytest
from fastapi.testclient import TestClient

from app.export.page import DATA_ID
from app.main import create_app
from app.paths import STATIC_DIR
from app.web.payloads.presets import PRESETS, SCENES

SCENE_READY = """(n) => {
  const panel = document.getElementById('lesson-panel');
  return panel.dataset.scene === String(n) && panel.dataset.ready === 'true';
}"""


@pytest.fixture(scope="module")
def api():
    with TestClient(create_app()) as client:
        yield client


def words(lang: str) -> dict:
    return json.loads((STATIC_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def embedded(path) -> dict:
    html = path.read_text(encoding="utf-8")
    found = re.search(rf'<script type="application/json" id="{DATA_ID}">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def series(page, view: str, cell: str, field: str) -> list:
    found = page.evaluate(
        """([id, cell, field]) => (document.getElementById(id).data || [])
             .filter((t) => t.meta && t.meta.cell === cell && t.meta.field === field && !t.meta.compare)
             .map((t) => t.y)""",
        [f"chart-{view}", cell, field],
    )
    assert len(found) == 1, f"expected one {cell} {field} trace on {view}, got {len(found)}"
    return found[0]


def open_file(page, path, query: str = "") -> None:
    page.goto(path.as_uri() + query)
    page.wait_for_function("() => document.body.dataset.status === 'ready'")
    page.wait_for_function("() => Number(document.getElementById('chart-flow').dataset.draws || 0) > 0")


# ---- the file ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["preset", "lesson", "training"])
def test_file_names_nothing_to_load_from_a_host(exported, name):
    html = exported[name].read_text(encoding="utf-8")
    # The page's own tags (scripts and styles emptied, so that text inside them is not taken for tags):
    # every address a tag names is inside the file (data:) or a place on the page (#…).
    markup = re.sub(r"(<(script|style)\b[^>]*>).*?(</\2>)", r"\1\3", html, flags=re.S | re.I)
    addresses = re.findall(r"<\w+\b[^>]*?\b(?:src|href)\s*=\s*\"([^\"]*)\"", markup)
    assert addresses, "the page's tags are found"
    assert [a for a in addresses if not a.startswith(("data:", "#"))] == []
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
    assert not re.search(r"\bfetch\(\s*[\"'`](?:https?:)?//", html)
    assert 'type="module"' not in html  # modules cannot load from file://: they are bundled
    assert "Plotly" in html and html.count('id="plotly-js"') == 1


def test_file_holds_the_apis_answers_for_the_preset(exported, api):
    data = embedded(exported["preset"])
    assert data["start"] == "?preset=vanishing"
    assert [p["name"] for p in data["files"]["/api/meta"]["presets"]] == ["vanishing"]
    assert {"/static/i18n/en.json", "/static/i18n/ko.json"} <= set(data["files"])
    (trace,) = data["answers"]["trace"][:1]
    assert trace["response"] == api.post("/api/trace", json=PRESETS["vanishing"]["trace"]).json()
    assert trace["csv"] == api.post("/api/export/trace.csv", json=PRESETS["vanishing"]["trace"]).text
    assert data["answers"]["gradcheck"] and data["answers"]["train"] == []


def test_lesson_file_holds_every_scenes_preset(exported):
    data = embedded(exported["lesson"])
    held = {p["name"] for p in data["files"]["/api/meta"]["presets"]}
    assert held == {scene["preset"] for scene in SCENES}
    assert data["start"] == "?lesson=1"
    assert data["answers"]["train"] == []  # exported without training runs


# ---- in the browser ------------------------------------------------------------------------------------------


def test_headline_draws_the_apis_gradients_offline_and_a_setting_it_lacks_says_so(page, exported, api, shoot):
    open_file(page, exported["preset"])
    assert "preset=vanishing" in page.url
    trace = api.post("/api/trace", json=PRESETS["vanishing"]["trace"]).json()
    for cell in ("rnn", "lstm"):
        assert (
            series(page, "flow", cell, "grad_hidden_norm") == trace["cells"][cell]["grad_hidden_norm"]["data"]
        )
    assert series(page, "flow", "lstm", "grad_cell_norm") == trace["cells"]["lstm"]["grad_cell_norm"]["data"]
    for view in ("contrib", "jacobian", "hidden", "gates", "connectivity"):
        page.wait_for_function(
            "(id) => Number(document.getElementById(id).dataset.draws || 0) > 0", arg=f"chart-{view}"
        )
    page.wait_for_function("() => document.getElementById('verify-badge').dataset.state === 'ok'")
    assert page.is_hidden("#banner")
    assert page.is_hidden("#class-share-btn")  # students cannot join a file
    # nor can a live class run in one: every part of it stays hidden, even if the page tried to show it
    shown = """(ids) => ids.filter((id) => { const e = document.getElementById(id); e.hidden = false;
                                           return getComputedStyle(e).display !== 'none'; })"""
    assert page.evaluate(shown, ["live-bar", "live-question", "live-start-row", "live-form"]) == []
    shoot(page, "preset")
    # A setting the file does not hold: said in the banner and under the control, and the chart stays.
    before = series(page, "flow", "rnn", "grad_hidden_norm")
    page.fill("#ctl-H", "17")
    page.press("#ctl-H", "Enter")
    page.wait_for_selector("#banner:not([hidden])")
    en = words("en")
    assert page.text_content("#banner-text") == en["offline.missing"]
    assert page.text_content("#err-H") == en["offline.not_here"]  # under the control that was moved
    assert series(page, "flow", "rnn", "grad_hidden_norm") == before
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "not-held")
    # Back to a value the file holds: the message goes.
    page.fill("#ctl-H", "32")
    page.press("#ctl-H", "Enter")
    page.wait_for_selector("#banner", state="hidden")
    assert page.text_content("#err-H") == ""
    # In Korean, the same news in Korean.
    page.click("#lang-btn")
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    page.fill("#ctl-H", "17")
    page.press("#ctl-H", "Enter")
    page.wait_for_function(
        "(text) => document.getElementById('banner-text').textContent === text",
        arg=words("ko")["offline.missing"],
    )


def test_lesson_scenes_can_be_walked_offline(page, exported, shoot):
    open_file(page, exported["lesson"])
    scenes = [scene["preset"] for scene in SCENES]
    for n in range(1, len(scenes) + 1):
        page.wait_for_function(SCENE_READY, arg=n)
        assert f"lesson={n}" in page.url
        assert page.is_hidden("#banner"), page.text_content("#banner-text")
        if n == 4:  # BPTT: the animation steps back from t = T
            position = int(page.get_attribute(".lesson-player", "data-position"))
            page.click("#lesson-earlier")
            assert int(page.get_attribute(".lesson-player", "data-position")) == position - 1
        if n == 5:  # the scene's own "exploding" button: a setting the lesson file holds too
            page.click("#lesson-exploding")
            page.wait_for_function("() => new URL(location.href).searchParams.get('spectral_radius') === '2'")
            page.wait_for_function(
                "() => document.getElementById('readout-flow').textContent.includes('ρ = 2')"
            )
            assert page.is_hidden("#banner")
            shoot(page, "lesson-exploding")
        if n == 6:  # truncated BPTT drawn against full BPTT, both from the file
            page.wait_for_function(
                "() => (document.getElementById('lesson-figure').data || []).some((t) => t.meta.truncate === null)"
            )
        if n < len(scenes):
            page.click("#lesson-next")
    page.keyboard.press("[")  # and back, from the keyboard
    page.wait_for_function(SCENE_READY, arg=len(scenes) - 1)
    shoot(page, "lesson")


def test_training_replays_and_its_downloads_are_the_apis(page, exported, api, shoot):
    open_file(page, exported["training"])
    page.click("#train-play")
    page.wait_for_function("() => document.getElementById('train-progress').dataset.status === 'done'")
    assert page.get_attribute("#train-progress", "data-received") == "5"  # steps 0, 10, 20, 30, 40
    page.wait_for_function("() => (document.getElementById('chart-curves').data || [])[0]?.x?.length === 5")
    shoot(page, "training")
    # The run the page asked for (its state's training request, as the file holds it), downloaded from the file…
    config = embedded(exported["training"])["answers"]["train"][0]["request"]
    assert config["steps"] == 40
    body = page.evaluate(
        """async (config) => {
             const r = await fetch('/api/export/train.json', {method: 'POST', body: JSON.stringify(config)});
             return {json: await r.json(), name: r.headers.get('Content-Disposition')};
           }""",
        config,
    )
    # …and from the API.
    expected = api.post("/api/export/train.json", json=config)
    assert body["name"] == expected.headers["content-disposition"]

    def timeless(value):  # the same run, computed again: every number but the wall-clock times agrees
        if isinstance(value, dict):
            return {k: timeless(v) for k, v in value.items() if k != "elapsed"}
        return [timeless(v) for v in value] if isinstance(value, list) else value

    assert timeless(body["json"]) == timeless(expected.json())
