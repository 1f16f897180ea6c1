"""Projection mode in a real Chromium at 1280×720 (a 720p projector) and 1920×1080: large type, thick lines,
the controls reduced to the essentials, the main view and every lesson scene measured in both languages
(tests/browser/measure.js), and the "p" key.

Screenshots go to test-output/screenshots/projection-<lang>-<size>-<view>.png: look at them.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

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


MEASURE = (Path(__file__).parent / "measure.js").read_text(encoding="utf-8")
SIZES = [(1280, 720), (1920, 1080)]  # a 720p projector and a full-HD one
SMALLEST = 24  # px: the README's promise for projection mode
# Panels that must hold their content without scrolling; the settings list inside the sidebar is the one
# place meant to scroll (Run and Train above it stay in view).
PANELS = ["#lesson-panel", ".card.lesson-focus", ".panel", ".topbar", ".card", ".run-row", ".train-panel"]
ON_SCREEN = ["#lesson-panel", ".card.lesson-focus", ".panel", ".topbar"]


def scene_total(page) -> int:
    """How many scenes the lesson has, from the scene list the page itself uses."""
    return page.evaluate("() => import('/static/js/lesson/scenes.js').then((m) => m.SCENES.length)")


def wait_scene(page, n: int) -> None:
    page.wait_for_function(
        """(n) => { const p = document.getElementById('lesson-panel');
                    return !p.hidden && p.dataset.scene === String(n) && p.dataset.ready === 'true'; }""",
        arg=n,
        timeout=30_000,
    )


def wait_charts_drawn(page) -> None:
    """Every chart and lesson figure on screen has been drawn, at the size its box has now."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.chart, .lesson-figure')]
                  .filter((el) => el.offsetParent && el.getBoundingClientRect().top < innerHeight)
                  .every((el) => Number(el.dataset.draws || 0) > 0 && el.querySelector('.main-svg')
                     && Math.abs(el._fullLayout.width - el.clientWidth) < 2
                     && Math.abs(el._fullLayout.height - el.clientHeight) < 2)"""
    )
    page.wait_for_timeout(100)  # one more frame for the browser to paint what Plotly drew


def body_font_px(page) -> float:
    return float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px"))


def thin_lines(page) -> list[dict]:
    return [line for line in page.evaluate(LINE_WIDTHS) if line["width"] < 4]


def check_screen(page, label: str) -> list[str]:
    """What a projector shows now, against the promise; returns the failures, each saying where."""
    found = page.evaluate(MEASURE, {"panels": PANELS, "onScreenPanels": ON_SCREEN})
    failures = [
        f"{label}: {t['px']} px text {t['text']!r} ({t['where']})"
        for t in found["text"]
        if t["px"] < SMALLEST
    ]
    failures += [f"{label}: {o}" for o in found["overflow"] + found["overlaps"] + found["cut"]]
    failures += [
        f"{label}: line {line['name']!r} of {line['chart']} is {line['width']} px"
        for line in thin_lines(page)
    ]
    assert found["text"], f"{label}: no text measured"
    return failures


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_projection_reads_from_the_back_row(browser, guard, server_url, lang):
    """The main view and every lesson scene at 1280×720 and 1920×1080: no text under 24 px (HTML, MathML and
    the charts' SVG), nothing overflowing or cut at the window's edge, no chart titles over each other, no
    line under 4 px. One page per language, resized, walked with the presenter's keys."""
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 720}, locale="ko-KR" if lang == "ko" else "en-US"
    )
    ctx.route("**/*", guard.route)
    page = ctx.new_page()
    page.on("console", guard.console)
    page.on("pageerror", guard.page_error)
    page.set_default_timeout(20_000)
    page.add_init_script(CSP_LISTENER)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failures = []
    try:
        page.goto(f"{server_url}/?lang={lang}&projection=true")
        page.wait_for_function("() => document.body.dataset.status === 'ready'")
        assert page.get_attribute("html", "data-theme") == "projection"
        assert body_font_px(page) >= SMALLEST
        total = scene_total(page)
        assert total >= 10  # the lecture's scenes, whatever their number
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("() => window.scrollTo(0, 0)")
            wait_charts_drawn(page)
            failures += check_screen(page, f"{lang} {width}x{height} main view")
            # Run, Train and the iteration counter are on the first screen
            for selector in ("#run-btn", "#train-play", "#train-counter"):
                box = page.locator(selector).bounding_box()
                assert box and box["y"] + box["height"] <= height, (
                    f"{selector} below the fold at {width}x{height}"
                )
            page.screenshot(path=SCREENSHOTS / f"projection-{lang}-{width}x{height}-main.png")
        page.keyboard.press("l")  # the lesson, from its first scene
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for n in range(1, total + 1):
                if n > 1:
                    page.keyboard.press("PageDown")  # what a presenter's clicker sends
                wait_scene(page, n)
                view = page.evaluate("document.querySelector('.card.lesson-focus')?.dataset.view || null")
                if view:
                    # the scene and its chart share the screen, side by side
                    panel = page.locator("#lesson-panel").bounding_box()
                    card = page.locator(".card.lesson-focus").bounding_box()
                    assert card["x"] >= panel["x"] + panel["width"] - 1
                wait_charts_drawn(page)
                failures += check_screen(page, f"{lang} {width}x{height} scene {n}")
                page.screenshot(path=SCREENSHOTS / f"projection-{lang}-{width}x{height}-scene{n:02d}.png")
            for _ in range(total - 1):
                page.keyboard.press("PageUp")
            wait_scene(page, 1)
        assert page.evaluate("window.__csp") == []
    finally:
        ctx.close()
    guard.check()
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:60])


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
    assert font >= SMALLEST  # chart type grows with the page's
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
