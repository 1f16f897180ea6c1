"""Lesson mode in a real Chromium against a real server: every scene, in English and in Korean, with its
preset applied, its equations rendered as MathML, its chart highlighted, and no console error or
Content-Security-Policy violation on the way; the keys that drive it; the "Share with class" panel.

Screenshots (1280×720) go to test-output/screenshots/lesson-<lang>-<scene>.png: look at them.
"""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app.web.payloads.presets import SCENES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"

# Records every Content-Security-Policy violation the page reports (the event fires for each refused
# script, style, image or connection), before any of the page's own code runs.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


# SCENES: the scenes the page gets from /api/meta, in order (app.web.payloads.presets)


def wait_scene(page, n: int) -> None:
    """Wait until scene n is shown and its widget has been given the scene's own trace."""
    page.wait_for_function(
        """(n) => { const p = document.getElementById('lesson-panel');
                    return !p.hidden && p.dataset.scene === String(n) && p.dataset.ready === 'true'; }""",
        arg=n,
        timeout=30_000,
    )


def query(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.bottom > 0 && r.top < innerHeight && r.height > 0; }""",
        selector,
    )


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def check_scene(page, helpers, n: int) -> None:
    """What every scene must show once it is ready."""
    scene = SCENES[n - 1]
    assert query(page)["lesson"] == [str(n)]
    assert query(page)["preset"] == [scene["preset"]]  # the scene's preset is applied to the page
    assert page.input_value("#ctl-preset") == scene["preset"]
    # The equations are MathML, laid out by the browser (a <math> it did not know would have no height).
    heights = page.eval_on_selector_all(
        ".lesson-equations math", "ms => ms.map(m => m.getBoundingClientRect().height)"
    )
    assert heights and all(h > 12 for h in heights)
    assert page.text_content(".lesson-title").strip()
    assert page.text_content(".lesson-text").strip()
    # The chart the scene is about is outlined and in view; no other card is.
    focused = page.eval_on_selector_all(".lesson-focus", "els => els.map(e => e.id || e.className)")
    assert len(focused) == 1, focused
    if scene["view"] == "lesson":
        assert page.locator(".lesson-widget.lesson-focus").count() == 1
        assert in_viewport(page, ".lesson-widget")
    else:
        assert focused == [f"card-{scene['view']}"]
        assert in_viewport(page, f"#card-{scene['view']}")
        helpers.wait_drawn(page, scene["view"])
    for figure in page.query_selector_all(".lesson-figure"):
        if figure.is_visible():
            page.wait_for_function("(el) => Number(el.dataset.draws || 0) > 0", arg=figure)


def walk(page, helpers, lang: str, prefix: str) -> None:
    """Every scene in order, moving on with the Next button; a screenshot of each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for n in range(1, len(SCENES) + 1):
        if n > 1:
            page.click("#lesson-next")
        wait_scene(page, n)
        check_scene(page, helpers, n)
        if SCENES[n - 1]["id"] == "bptt":  # show the backward pass two thirds of the way back
            for _ in range(20):
                page.keyboard.press("ArrowLeft")
            assert page.get_attribute(".lesson-player", "data-position") == "10"
        page.wait_for_timeout(300)  # Plotly's responsive resize after the layout moved
        page.screenshot(path=SCREENSHOTS / f"{prefix}-{lang}-{n}.png")
    assert page.is_disabled("#lesson-next")  # the last scene


def test_every_scene_in_english(page, server_url, helpers):
    page.add_init_script(CSP_LISTENER)
    page.goto(f"{server_url}/?lesson=1&lang=en")
    walk(page, helpers, "en", "lesson")
    assert page.get_attribute("html", "lang") == "en"
    assert csp_violations(page) == []


def test_every_scene_in_korean_by_the_browsers_language(ko_page, server_url, helpers):
    ko_page.add_init_script(CSP_LISTENER)
    ko_page.goto(f"{server_url}/?lesson=1")  # no lang= in the URL: the browser's language decides
    wait_scene(ko_page, 1)
    assert ko_page.get_attribute("html", "lang") == "ko"
    assert re.search(r"[\uac00-\ud7a3]", ko_page.text_content(".lesson-text"))
    walk(ko_page, helpers, "ko", "lesson")
    # Hangul renders: the Korean face is installed and chosen, and it draws '한' as a glyph of its own
    # (a font without it would draw the same "missing glyph" box as for an unassigned code point).
    assert ko_page.evaluate("document.fonts.check('16px \"Noto Sans CJK KR\"', '한')")
    assert "Noto Sans CJK KR" in ko_page.evaluate("getComputedStyle(document.body).fontFamily")
    assert ko_page.evaluate(
        """() => { const draw = (ch) => { const c = document.createElement('canvas'); c.width = c.height = 40;
                     const g = c.getContext('2d'); g.font = '32px "Noto Sans CJK KR"'; g.fillText(ch, 2, 32);
                     return Array.from(g.getImageData(0, 0, 40, 40).data).join(); };
                   return draw('한') !== draw('\\u{10FFFD}') && draw('한') !== draw('가'); }"""
    )
    assert csp_violations(ko_page) == []


def test_lang_in_the_url_wins_over_the_browsers_language(ko_page, server_url):
    ko_page.goto(f"{server_url}/?lesson=2&lang=en")
    wait_scene(ko_page, 2)
    assert ko_page.get_attribute("html", "lang") == "en"
    assert ko_page.text_content(".lesson-count").startswith("Scene 2")


def test_lesson_toggle_opens_the_first_scene_and_closes(page, server_url, helpers):
    page.goto(f"{server_url}/?lang=en")
    helpers.wait_drawn(page, "flow")
    assert page.is_hidden("#lesson-panel")
    page.click("#lesson-btn")
    wait_scene(page, 1)
    assert page.get_attribute("#lesson-btn", "aria-pressed") == "true"
    assert query(page)["lesson"] == ["1"] and query(page)["preset"] == [SCENES[0]["preset"]]
    page.click("#lesson-close")
    page.wait_for_selector("#lesson-panel", state="hidden")
    assert "lesson" not in query(page)
    assert page.locator(".lesson-focus").count() == 0
    # The scene's settings stay: the page now shows that preset as a page of its own.
    assert query(page)["preset"] == [SCENES[0]["preset"]]


def test_a_shared_scene_link_keeps_its_own_settings(page, server_url, helpers):
    # A link that carries a configuration reopens it as it was, not the scene's preset.
    page.goto(f"{server_url}/?lesson=5&lang=en&cells=rnn&T=60&recurrent_init=orthogonal&spectral_radius=1.5")
    wait_scene(page, 5)
    assert query(page)["spectral_radius"] == ["1.5"] and "preset" not in query(page)
    assert page.input_value("#lesson-spectral_radius") == "1.5"
    # Moving the lesson's slider goes the page's one path: state, URL, a new trace, the readout.
    page.fill("#lesson-spectral_radius", "0.5")  # a range input: fill sets it and fires input
    page.wait_for_function("() => new URL(location.href).searchParams.get('spectral_radius') === '0.5'")
    page.wait_for_function("() => document.querySelector('.lesson-status').textContent.includes('= 0.5')")


def test_a_scene_quotes_no_number_of_settings_that_are_not_its_own(page, server_url, helpers):
    # The error scene's words quote the spread of its own trained RNN's errors; with another T they would be a
    # claim about another network (with the loss on the last step only, "Infinity times"). They show "…" and a
    # button back to the scene's settings, which quotes the number again.
    page.goto(f"{server_url}/?lesson=3&lang=en&T=37")
    wait_scene(page, 3)
    page.wait_for_function("() => document.body.dataset.status === 'ready'", timeout=120_000)
    page.wait_for_selector("#lesson-restore")
    text = page.inner_text(".lesson-text")
    assert "…" in text and "Infinity" not in text and "settings" in text
    page.click("#lesson-restore")
    page.wait_for_function("() => !document.getElementById('lesson-restore')", timeout=120_000)
    assert query(page).get("preset") == ["per-step-error"] and "T" not in query(page)
    text = page.inner_text(".lesson-text")
    assert "…" not in text and "times its smallest" in text


def test_keys_move_scenes_steps_and_play_the_bptt_animation(page, server_url):
    bptt = next(i for i, s in enumerate(SCENES, 1) if s["id"] == "bptt")
    page.goto(f"{server_url}/?lesson={bptt}&lang=en")
    wait_scene(page, bptt)
    player = "#lesson-panel .lesson-player"
    position = lambda: int(page.get_attribute(player, "data-position"))  # noqa: E731
    T = position()
    assert T == 30  # the backward pass starts at t = T
    page.keyboard.press("ArrowLeft")  # one step back in time: the backward pass reaches t = T − 1
    assert position() == T - 1
    page.keyboard.press("ArrowRight")
    assert position() == T
    page.keyboard.press(" ")
    assert page.get_attribute(player, "data-playing") == "true"
    page.wait_for_function(
        "([sel, n]) => Number(document.querySelector(sel).dataset.position) <= n - 3", arg=[player, T]
    )
    page.keyboard.press(" ")
    assert page.get_attribute(player, "data-playing") == "false"
    paused = position()
    page.wait_for_timeout(1200)
    assert position() == paused  # paused means paused
    # Scenes: ] and Page Down forward, [ and Page Up back; the URL follows.
    page.keyboard.press("]")
    wait_scene(page, bptt + 1)
    page.keyboard.press("PageDown")
    wait_scene(page, bptt + 2)
    page.keyboard.press("PageUp")
    wait_scene(page, bptt + 1)
    page.keyboard.press("[")
    wait_scene(page, bptt)
    assert query(page)["lesson"] == [str(bptt)]
    # The animation remembers where it was paused.
    assert position() == paused
    # "?" shows the help, which names the keys; Esc hides it.
    page.keyboard.press("?")
    assert page.is_visible("#keys-help")
    assert "Page Up" in page.text_content("#keys-help")
    page.keyboard.press("Escape")
    assert page.is_hidden("#keys-help")


def test_arrow_keys_choose_the_step_whose_values_are_shown(page, server_url):
    step = next(i for i, s in enumerate(SCENES, 1) if s["id"] == "step")
    page.goto(f"{server_url}/?lesson={step}&lang=en")
    wait_scene(page, step)
    T = int(page.get_attribute("#lesson-step", "max"))
    assert page.input_value("#lesson-step") == str(T)
    rows = lambda: page.eval_on_selector_all(".lesson-values tr", "rs => rs.map(r => r.innerText)")  # noqa: E731
    last = rows()
    page.keyboard.press("ArrowLeft")
    assert page.input_value("#lesson-step") == str(T - 1)
    before = rows()
    assert before != last
    # h_{t−1} at step T is h_t at step T − 1: the same numbers, one row down.
    h_prev_at_T = last[1].split()[-4:]
    h_at_T_minus_1 = before[2].split()[-4:]
    assert h_prev_at_T == h_at_T_minus_1
    # Switching the language redraws the scene in Korean and keeps the chosen step.
    page.click("#lang-btn")
    page.wait_for_function("() => document.querySelector('.lesson-count').textContent.startsWith('장면')")
    assert page.input_value("#lesson-step") == str(T - 1)
    assert rows()[2].split()[-4:] == h_at_T_minus_1


def test_training_scene_plays_and_pauses_with_the_space_bar(page, server_url, helpers):
    n = len(SCENES)
    page.goto(f"{server_url}/?lesson={n}&lang=en")
    wait_scene(page, n)
    assert page.get_attribute("#card-curves", "class").count("lesson-focus") == 1
    page.keyboard.press(" ")
    assert page.get_attribute("#lesson-train", "aria-pressed") == "true"
    curve = "() => (document.getElementById('chart-curves').data || [])[0]?.x?.length || 0"
    page.wait_for_function(f"() => ({curve})() >= 3", timeout=60_000)
    assert "LSTM" in page.text_content(".lesson-widget")
    page.keyboard.press(" ")
    assert page.get_attribute("#lesson-train", "aria-pressed") == "false"
    page.click("#lesson-train-reset")
    page.wait_for_function(f"() => ({curve})() === 0")


def test_share_with_class_on_a_loopback_server_says_students_cannot_join(page, server_url):
    page.goto(f"{server_url}/?lesson=4&lang=en")
    wait_scene(page, 4)
    page.click("#class-share-btn")
    page.wait_for_selector("#share-dialog[open]")
    page.wait_for_function(
        "() => document.getElementById('share-qr').complete && document.getElementById('share-qr').naturalWidth > 0"
    )
    assert page.get_attribute("#share-link", "href") == page.url  # the test server listens on 127.0.0.1 only
    assert page.get_attribute("#share-qr", "src").startswith("/api/classroom/qr.svg?url=")
    note = page.text_content("#share-loopback")
    assert page.is_visible("#share-loopback")
    assert "students cannot reach this laptop" in note.lower() and "gradflow serve --host 0.0.0.0" in note
    page.screenshot(path=SCREENSHOTS / "lesson-share-loopback-en.png")
    page.keyboard.press("Escape")  # a modal dialog closes on Esc
    page.wait_for_function("() => !document.getElementById('share-dialog').open")


def test_share_with_class_uses_the_classroom_address(page, server_url):
    classroom = {
        "bound_host": "0.0.0.0",
        "port": 8000,
        "reachable_from_network": True,
        "urls": ["http://192.0.2.7:8000/", "http://198.51.100.3:8000/"],
        "how_to_expose": "gradflow serve --host 0.0.0.0",
    }
    page.route("**/api/classroom", lambda route: route.fulfill(json=classroom))
    page.goto(f"{server_url}/?lesson=6&lang=ko&projection=1")
    wait_scene(page, 6)
    page.click("#class-share-btn")
    page.wait_for_function(
        "() => document.getElementById('share-link').textContent.startsWith('http://192.0.2.7')"
    )
    link = page.get_attribute("#share-link", "href")
    here = urlsplit(page.url)
    assert "projection=true" in here.query  # the teacher's screen is in projection mode…
    shared = here.query.replace("&projection=true", "")  # …which is how it looks, not what it shows
    assert link == f"http://192.0.2.7:8000{here.path}?{shared}"  # the same view, at the classroom address
    src = page.get_attribute("#share-qr", "src")
    assert parse_qs(urlsplit(src).query)["url"] == [link]
    page.wait_for_function("() => document.getElementById('share-qr').naturalWidth > 0")
    assert page.is_hidden("#share-loopback") and page.is_visible("#share-exposes")
    assert re.search(r"[\uac00-\ud7a3]", page.text_content("#share-dialog"))
    page.select_option("#share-address", "http://198.51.100.3:8000/")
    assert page.get_attribute("#share-link", "href").startswith("http://198.51.100.3:8000/?")
    page.screenshot(path=SCREENSHOTS / "lesson-share-ko.png")
    page.click("#share-close")
