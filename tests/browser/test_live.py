"""The live class in a real Chromium against a real server: one teacher and three students (two phones, in
English and Korean, and a laptop). Students follow a scene change and a settings change; one detaches (and
does not follow) and rejoins (and is back in step); a question is opened, answered, tallied on the
teacher's projected screen and revealed; a student cannot change the view or reveal; the end reaches
everyone.

Screenshots go to /work/notes/shots/live-*.png when that folder exists (else test-output/screenshots/): the
projected tally at 1280×720 and 1920×1080 in English and Korean, the teacher's projected scene under the
class's bar, and a student's phone following, with the question and after the reveal (English and Korean).
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTES = Path("/work/notes/shots")
SHOTS = NOTES if NOTES.is_dir() else ROOT / "test-output" / "screenshots"
MEASURE = (Path(__file__).parent / "measure.js").read_text(encoding="utf-8")
PHONE = {"width": 360, "height": 740}
SMALLEST = 24  # px: projection mode's promise, which the tally keeps


def open_page(browser, guard, url: str, *, locale="en-US", viewport=None):
    ctx = browser.new_context(viewport=viewport or {"width": 1280, "height": 720}, locale=locale)
    ctx.route("**/*", guard.route)
    page = ctx.new_page()
    page.on("console", guard.console)
    page.on("pageerror", guard.page_error)
    page.set_default_timeout(20_000)
    page.goto(url)
    page.wait_for_function("() => document.body.dataset.status === 'ready'")
    return ctx, page


def scene_of(page) -> str | None:
    return page.get_attribute("#lesson-panel", "data-scene")


def wait_scene(page, n: int) -> None:
    page.wait_for_function(
        "(n) => document.getElementById('lesson-panel').dataset.scene === String(n)", arg=n
    )


def query_of(page) -> dict:
    query = parse_qs(urlsplit(page.url).query)
    return {k: v for k, v in query.items() if k not in ("lang", "projection", "class")}


def wait_query(page, expected: dict) -> None:
    page.wait_for_function(
        """(expected) => { const q = new URLSearchParams(location.search);
             for (const k of ['lang', 'projection', 'class']) q.delete(k);
             const got = {}; for (const k of new Set(q.keys())) got[k] = q.getAll(k);
             return JSON.stringify(Object.keys(got).sort().map((k) => [k, got[k]]))
                 === JSON.stringify(Object.keys(expected).sort().map((k) => [k, expected[k]])); }""",
        arg=expected,
    )


def api(page, method: str, path: str, body=None, key=None) -> dict:
    """A request from inside `page` (its origin, its cookies: none), answering {status, body}."""
    return page.evaluate(
        """async ([method, path, body, key]) => {
             const headers = { "Content-Type": "application/json" };
             if (key) headers["X-Class-Key"] = key;
             const r = await fetch(path, { method, headers, body: body === null ? undefined : JSON.stringify(body) });
             const text = await r.text();
             return { status: r.status, body: text ? JSON.parse(text) : null };
           }""",
        [method, path, body, key],
    )


def tally_counts(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#live-question .live-choice')]
             .map((li) => [li.dataset.choice, li.querySelector('.live-count')?.textContent ?? null]))"""
    )


def check_tally(page, label: str) -> None:
    """The question and its tally: no text under 24 px, nothing sticking out or below the window."""
    panels = ["#live-question", "#live-bar"]
    found = page.evaluate(MEASURE, {"panels": panels, "onScreenPanels": panels})
    tally = [x for x in found["text"] if "live-" in x["where"]]
    assert len(tally) >= 8, f"{label}: tally text not measured: {tally}"
    small = [x for x in tally if x["px"] < SMALLEST]
    assert not small, f"{label}: {small}"
    assert not found["overflow"] and not found["cut"], f"{label}: {found['overflow'] + found['cut']}"


def test_live_class_follow_ask_reveal_end(browser, guard, server_url):
    for expected in ("403", "409", "410"):
        guard.expect(expected)  # Chromium logs the refused requests this test makes on purpose
    contexts = []
    try:
        # ---- the teacher starts a class from the share panel, in the lesson's first scene ----------------------
        ctx, teacher = open_page(browser, guard, f"{server_url}/?lang=en&lesson=1")
        contexts.append(ctx)
        teacher.click("#class-share-btn")
        teacher.click("#live-start")
        teacher.wait_for_function("() => document.body.classList.contains('live-teacher')")
        class_id = parse_qs(urlsplit(teacher.url).query)["class"][0]
        link = teacher.get_attribute("#share-link", "href")
        assert parse_qs(urlsplit(link).query)["class"] == [class_id]  # the QR code's link joins the class
        secret = teacher.evaluate(f"() => sessionStorage.getItem('gradflow.class.{class_id}.teacher')")
        assert secret and secret not in teacher.url
        teacher.click("#share-close")

        # ---- three students join: two phones (English, Korean) and a laptop ----------------------------------
        students = []
        for locale, viewport in (("en-US", PHONE), ("ko-KR", PHONE), ("en-US", None)):
            ctx, page = open_page(
                browser, guard, f"{server_url}/?class={class_id}", locale=locale, viewport=viewport
            )
            contexts.append(ctx)
            page.wait_for_function("() => document.body.classList.contains('live-following')")
            students.append(page)
        a, b, c = students
        assert b.text_content("#live-status") == "선생님 화면을 따라가는 중"
        for s in students:
            wait_scene(s, 1)
            assert s.is_hidden("#live-detach") is False and s.is_hidden(".layout > .panel")
        teacher.wait_for_function(
            "() => /3/.test(document.getElementById('live-status').textContent)", timeout=10_000
        )

        # ---- a scene change and a settings change reach every student ----------------------------------------
        teacher.keyboard.press("PageDown")
        wait_scene(teacher, 2)
        for s in students:
            wait_scene(s, 2)
        teacher.fill("#ctl-T", "37")
        teacher.press("#ctl-T", "Enter")
        teacher.wait_for_function("() => new URLSearchParams(location.search).get('T') === '37'")
        teacher.evaluate(
            "() => document.activeElement.blur()"
        )  # the keys below are the page's, not the box's
        expected = query_of(teacher)
        for s in students:
            wait_query(s, expected)
            s.wait_for_function("() => document.body.dataset.status === 'ready'")

        # ---- one student detaches: the teacher moves on without them; Rejoin brings them back in step --------
        c.click("#live-detach")
        assert c.is_visible("#live-rejoin") and c.is_visible(".layout > .panel")
        teacher.keyboard.press("PageDown")
        wait_scene(teacher, 3)
        for s in (a, b):
            wait_scene(s, 3)
        c.wait_for_timeout(500)
        assert scene_of(c) == "2"  # detached: still where they were
        c.click("#live-rejoin")
        wait_scene(c, 3)
        wait_query(c, query_of(teacher))
        assert c.evaluate("() => document.body.classList.contains('live-following')")

        # ---- the teacher's training run is drawn on the students' pages from the view, not trained again ------
        trained = []
        for s in students:
            s.on("request", lambda r: trained.append(r.url) if "/api/train" in r.url else None)
        teacher.click("#train-step")  # one snapshot, shown paused
        teacher.wait_for_function("() => document.getElementById('train-progress').dataset.shown === '1'")
        for s in students:
            s.wait_for_function(
                """() => { const p = document.getElementById('train-progress').dataset;
                           return p.shown === '1' && p.state === 'paused'; }"""
            )
        assert trained == []
        a.screenshot(path=SHOTS / "live-phone-following-en.png")
        assert a.evaluate("() => document.documentElement.scrollWidth <= innerWidth")

        # ---- the BPTT scene: its animation step is followed; the teacher asks the scene's question ----------
        teacher.keyboard.press("PageDown")
        wait_scene(teacher, 4)
        assert teacher.get_attribute("#lesson-panel", "data-scene-id") == "bptt"
        teacher.wait_for_selector("#lesson-panel[data-ready='true']")
        for _ in range(3):
            teacher.keyboard.press("ArrowLeft")  # three steps of the backward pass towards t = 1
        position = teacher.get_attribute(".lesson-player", "data-position")
        for s in students:
            wait_scene(s, 4)
            s.wait_for_function(
                "(p) => document.querySelector('.lesson-player')?.dataset.position === p", arg=position
            )
            # the new scene's preset left the teacher's run behind, and so did the students
            s.wait_for_function("() => document.getElementById('train-progress').dataset.shown === '0'")

        teacher.keyboard.press("p")  # projection: what the room sees
        # the scene, under the class's bar, still ends on the projected screen
        teacher.wait_for_function("() => Number(document.getElementById('lesson-figure')?.dataset.draws) > 0")
        teacher.wait_for_timeout(400)
        panels = ["#lesson-panel", ".card.lesson-focus", "#live-bar"]
        found = teacher.evaluate(MEASURE, {"panels": panels, "onScreenPanels": panels})
        assert not found["cut"] and not found["overflow"], found["cut"] + found["overflow"]
        teacher.screenshot(path=SHOTS / "live-teacher-scene-1280x720.png")
        assert teacher.is_visible("#live-ask")
        teacher.click("#live-ask")
        teacher.wait_for_selector("#live-question[data-state='open']")
        qid = teacher.get_attribute("#live-question", "data-qid")
        choices = teacher.evaluate(
            "() => [...document.querySelectorAll('#live-question .live-choice')].map((li) => li.dataset.choice)"
        )
        assert choices == ["more", "half", "tiny"]
        assert teacher.is_hidden("#card-flow") and teacher.is_hidden("#lesson-panel")  # no answer on screen
        for s in students:
            s.wait_for_selector(f"#live-question[data-qid='{qid}'] .live-choice-btn")
            assert s.is_hidden("#card-flow") and s.is_hidden("#lesson-panel")
            assert s.locator(".live-choice-btn").count() == 3
        assert a.text_content(".live-q-text").startswith("The backward pass starts at t = T")
        assert b.text_content(".live-q-text").startswith("역전파")  # each student in their own language

        a.click(".live-choice[data-choice='more'] .live-choice-btn")
        b.click(".live-choice[data-choice='tiny'] .live-choice-btn")
        c.click(".live-choice[data-choice='tiny'] .live-choice-btn")
        for s in students:
            s.wait_for_function("() => document.querySelector('.live-choice-btn[aria-pressed=true]')")
        a.wait_for_function(
            "() => document.querySelector('.live-q-status').textContent.startsWith('Your answer is in')"
        )
        # a second vote from the same device does not count
        device = a.evaluate("() => localStorage.getItem('gradflow.device')")
        answers = f"/api/class/{class_id}/questions/{qid}/answers"
        again = api(a, "POST", answers, {"device": device, "choice": "half"})
        assert again == {"status": 200, "body": {"counted": False}}
        teacher.wait_for_function(
            "() => document.querySelector('.live-choice[data-choice=tiny] .live-count')?.textContent === '2'",
            timeout=10_000,
        )
        assert tally_counts(teacher) == {"more": "1", "half": "0", "tiny": "2"}
        assert "3 of 3 answered" in teacher.text_content(".live-q-status")

        # ---- a student cannot change the view or reveal (no key) -----------------------------------------------
        assert api(a, "PUT", f"/api/class/{class_id}/view", {"view": {"query": "T=2"}})["status"] == 403
        assert api(a, "POST", f"/api/class/{class_id}/questions/{qid}/reveal")["status"] == 403
        assert api(a, "GET", f"/api/class/{class_id}/tally")["status"] == 403

        # ---- the projected tally: readable from the back row at 1280×720 and 1920×1080, in both languages -------
        for lang in ("en", "ko"):
            if lang == "ko":
                teacher.click("#lang-btn")
                teacher.wait_for_function("() => document.documentElement.lang === 'ko'")
                teacher.wait_for_function(
                    "() => document.querySelector('.live-q-status').textContent.includes('응답')"
                )
            for width, height in ((1280, 720), (1920, 1080)):
                teacher.set_viewport_size({"width": width, "height": height})
                teacher.wait_for_timeout(300)
                check_tally(teacher, f"{lang} {width}x{height}")
                teacher.screenshot(path=SHOTS / f"live-tally-{lang}-{width}x{height}.png")
        teacher.set_viewport_size({"width": 1280, "height": 720})
        for s, lang in ((a, "en"), (b, "ko")):
            s.screenshot(path=SHOTS / f"live-phone-question-{lang}.png")
            assert s.evaluate("() => document.documentElement.scrollWidth <= innerWidth")

        # ---- the reveal: every student's chart comes back, the correct choice and their own marked -------------
        teacher.click("#live-reveal")
        teacher.wait_for_selector("#live-question[data-state='revealed']")
        correct = teacher.get_attribute(".live-choice[data-correct='true']", "data-choice")
        assert correct == "tiny"  # computed by the server from the scene's trace
        # on the projector the revealed tally is a strip, and the scene it was about is back under it, on screen
        teacher.set_viewport_size({"width": 1920, "height": 1080})
        teacher.wait_for_function(
            "() => document.getElementById('live-question').offsetHeight < 0.25 * innerHeight"
        )
        teacher.wait_for_function(
            "() => document.querySelector('#lesson-figure .main-svg')?.getBoundingClientRect().height > 300"
        )
        figure = teacher.locator("#lesson-figure").bounding_box()
        assert figure and 0 < figure["y"] and figure["y"] + figure["height"] <= 1080
        teacher.screenshot(path=SHOTS / "live-teacher-reveal-1920x1080.png")
        teacher.set_viewport_size({"width": 1280, "height": 720})
        for s, mine in ((a, "more"), (b, "tiny"), (c, "tiny")):
            s.wait_for_selector("#live-question[data-state='revealed']")
            assert s.get_attribute(".live-choice[data-correct='true']", "data-choice") == correct
            assert s.get_attribute(".live-choice[data-mine='true']", "data-choice") == mine
            assert s.is_visible("#lesson-panel") and s.is_visible(".lesson-figure")
        assert a.text_content(".live-q-status") == "3 answers · Not this time: the chart shows why."
        assert c.text_content(".live-q-status") == "3 answers · You were right."
        assert tally_counts(a) == {"more": "1", "half": "0", "tiny": "2"}
        for s, lang in ((a, "en"), (b, "ko")):
            s.wait_for_function("() => Number(document.getElementById('lesson-figure')?.dataset.draws) > 0")
            s.screenshot(path=SHOTS / f"live-phone-reveal-{lang}.png")
            assert s.evaluate("() => document.documentElement.scrollWidth <= innerWidth")

        # ---- a quick question of the teacher's own, withdrawn: it leaves every student's screen ------------------
        teacher.click("#live-hide")
        teacher.click("#live-quick")
        teacher.fill("#live-form-text", "Which cell keeps the gradient at t = 1?")
        for i, words in enumerate(["RNN", "LSTM"]):
            teacher.fill(f"#live-form-choice-{i}", words)
        teacher.check("input[name='live-correct'][value='1']")
        teacher.click("#live-form-ask")
        teacher.wait_for_selector("#live-question[data-state='open']")
        quick = teacher.get_attribute("#live-question", "data-qid")
        for s in students:
            s.wait_for_selector(f"#live-question[data-qid='{quick}'] .live-choice-btn")
        assert a.text_content(".live-choice[data-choice='b']") == "BLSTM"
        teacher.click("#live-close")
        for s in students:
            s.wait_for_selector("#live-question", state="hidden")
            assert s.is_visible("#lesson-panel")

        # ---- the end: every student is told, their stream closed, the page their own ---------------------------
        teacher.click("#live-end")
        teacher.wait_for_function("() => !document.body.classList.contains('live-on')")
        for s in students:
            s.wait_for_function("() => !document.body.classList.contains('live-on')")
            assert s.is_visible("#live-bar")
            assert "ended" in s.text_content("#live-status") or "끝났" in s.text_content("#live-status")
            assert "class" not in parse_qs(urlsplit(s.url).query)
            assert s.is_visible(".layout > .panel")
        assert api(a, "GET", f"/api/class/{class_id}")["status"] == 410
    finally:
        for ctx in contexts:
            ctx.close()
    guard.check()


def test_the_cli_hands_the_page_its_class_through_the_fragment(browser, guard, server_url):
    """`gradflow serve --class` opens `?class=<id>#teach=<secret>`: the page teaches that class, keeps the
    secret in the tab and takes it out of the address bar (and its history entry)."""
    ctx, page = open_page(browser, guard, f"{server_url}/?lang=en")
    try:
        started = api(page, "POST", "/api/class")
        assert started["status"] == 201
        class_id, secret = started["body"]["id"], started["body"]["teacher_secret"]
        page.goto(f"{server_url}/?class={class_id}#teach={secret}")
        page.wait_for_function("() => document.body.classList.contains('live-teacher')")
        assert secret not in page.url and urlsplit(page.url).fragment == ""
        assert page.evaluate(f"() => sessionStorage.getItem('gradflow.class.{class_id}.teacher')") == secret
        assert page.text_content("#live-status").startswith("Live class")
        # the page sent its view: a student opening the link is in step with it
        view = api(page, "GET", f"/api/class/{class_id}")["body"]["view"]
        assert view["query"] == "" and view["scene"] is None and view["train"] is None
        page.click("#live-end")
        page.wait_for_function("() => !document.body.classList.contains('live-on')")
        assert "class" not in parse_qs(urlsplit(page.url).query)
    finally:
        ctx.close()
    guard.check()
