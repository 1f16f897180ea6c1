"""Projection mode in a real Chromium at 1280×720, a 720p projector: large type, thick lines, the controls
reduced to the essentials, the lesson's scenes walked with the keyboard in both languages, and the "p" key.

Screenshots go to test-output/screenshots/lesson-projection-<lang>-<scene>.png: look at them.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app.web.presets import SCENES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
ESSENTIAL = {"preset", "cells", "T", "spectral_radius", "forget_bias", "truncate"}

CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

# Every drawn line of every Plotly chart on the page (the page's and the lesson's), as Plotly resolved it.
LINE_WIDTHS = """() => [...document.querySelectorAll('.js-plotly-plot')].filter((div) => div.offsetParent)
  .flatMap((div) => (div._fullData || [])
    .filter((t) => t.type === 'scatter' && t.visible === true && String(t.mode).includes('lines'))
    .map((t) => ({chart: div.id, name: t.name, width: t.line.width})))"""


def scene_count() -> int:
    return len(SCENES)


def wait_scene(page, n: int) -> None:
    page.wait_for_function(
        """(n) => { const p = document.getElementById('lesson-panel');
                    return !p.hidden && p.dataset.scene === String(n) && p.dataset.ready === 'true'; }""",
        arg=n,
        timeout=30_000,
    )


def body_font_px(page) -> float:
    return float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px"))


def thin_lines(page) -> list[dict]:
    return [line for line in page.evaluate(LINE_WIDTHS) if line["width"] < 4]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_scene_on_a_projector(page, server_url, helpers, lang):
    page.add_init_script(CSP_LISTENER)
    page.goto(f"{server_url}/?lesson=1&lang={lang}&projection=1")
    wait_scene(page, 1)
    assert page.get_attribute("html", "data-theme") == "projection"
    assert page.viewport_size == {"width": 1280, "height": 720}
    assert body_font_px(page) >= 24
    assert page.is_hidden(".panel")  # beside the lesson, the settings give way to the scene and its chart
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    total = scene_count()
    for n in range(1, total + 1):
        if n > 1:
            page.keyboard.press("PageDown")  # what a presenter's clicker sends
        wait_scene(page, n)
        view = page.evaluate("document.querySelector('.card.lesson-focus')?.dataset.view || null")
        if view:
            helpers.wait_drawn(page, view)
            # the scene and its chart share the first screen, side by side
            panel = page.locator("#lesson-panel").bounding_box()
            card = page.locator(".card.lesson-focus").bounding_box()
            assert card["x"] >= panel["x"] + panel["width"] - 1 and card["y"] < 720 and panel["y"] < 720
        for figure in page.query_selector_all(".lesson-figure"):
            if figure.is_visible():
                page.wait_for_function("(el) => Number(el.dataset.draws || 0) > 0", arg=figure)
        page.wait_for_timeout(300)
        assert thin_lines(page) == []
        page.screenshot(path=SCREENSHOTS / f"lesson-projection-{lang}-{n}.png")
    assert page.evaluate("window.__csp") == []
    page.keyboard.press("?")
    page.screenshot(path=SCREENSHOTS / f"lesson-projection-{lang}-keys.png")
    assert body_font_px(page) >= 24


def test_p_toggles_projection_thick_lines_and_only_the_essential_controls(page, server_url, helpers):
    page.add_init_script(CSP_LISTENER)
    page.goto(f"{server_url}/?lang=en&cells=rnn&cells=lstm&T=30&H=16")
    helpers.wait_drawn(page, "flow")
    assert body_font_px(page) < 24
    draws = helpers.wait_drawn(page, "flow")
    page.keyboard.press("p")  # also asks for full screen, which a headless browser may refuse: no error
    assert page.get_attribute("html", "data-theme") == "projection"
    assert parse_qs(urlsplit(page.url).query)["projection"] == ["true"]
    assert page.get_attribute("#projection-btn", "aria-pressed") == "true"
    assert body_font_px(page) >= 24
    helpers.wait_drawn(page, "flow", draws)
    for view in ("flow", "jacobian"):
        helpers.wait_drawn(page, view)
    page.wait_for_timeout(500)  # every chart redrawn in the projection theme
    assert thin_lines(page) == []
    widths = page.evaluate(LINE_WIDTHS)
    assert any(line["chart"] == "chart-flow" for line in widths)
    font = page.evaluate("document.getElementById('chart-flow')._fullLayout.font.size")
    assert font >= 18  # chart type grows with the page's
    shown = page.eval_on_selector_all(
        ".controls .field[data-key]", "fs => fs.filter(f => f.offsetParent).map(f => f.dataset.key)"
    )
    assert set(shown) <= ESSENTIAL and {"preset", "cells", "spectral_radius"} <= set(shown)
    assert page.is_hidden(".data-panel") and page.is_hidden("#verify-badge")
    assert page.is_visible("#train-play")  # training stays: it is what the lecture ends with
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "projection-page-en.png")
    page.keyboard.press("p")
    assert page.get_attribute("html", "data-theme") == ""
    assert "projection" not in parse_qs(urlsplit(page.url).query)
    assert body_font_px(page) < 24
    # The button does the same as the key.
    page.click("#projection-btn")
    assert page.get_attribute("html", "data-theme") == "projection"
    assert page.evaluate("window.__csp") == []
