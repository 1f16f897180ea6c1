"""A real uvicorn server and a real Chromium for the page's tests.

The server runs in a subprocess on a free port of 127.0.0.1 (app.bench.api_latency.serve); the browser is the
session's Chromium from tests/conftest.py ($GRADFLOW_CHROMIUM, else the usual install places:
app/bench/browser.py). The page's benchmark uses both too.

Every page the tests open is guarded: a request for anything but the test server is aborted and recorded, and
console errors and uncaught exceptions are collected; either fails the test when the page is closed.
"""

from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from app.bench.api_latency import serve

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
VIEWPORTS = {"desktop": (1280, 720), "phone": (390, 844)}


@pytest.fixture(scope="session")
def server_url():
    with serve() as url:
        yield url


class Guard:
    """What a page did that it must not: requests leaving the test server, console errors, exceptions."""

    def __init__(self, origin: str):
        self.origin = origin
        self.external: list[str] = []
        self.errors: list[str] = []
        self.expected: list[str] = []

    def expect(self, text: str) -> None:
        """A console error containing `text` is expected (Chromium logs every 4xx response it receives)."""
        self.expected.append(text)

    def route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def console(self, msg):
        if msg.type == "error" and not any(text in msg.text for text in self.expected):
            self.errors.append(f"console: {msg.text} ({msg.location.get('url', '')})")

    def page_error(self, exc):
        self.errors.append(f"uncaught: {exc}")

    def check(self):
        assert not self.external, f"requests left 127.0.0.1: {self.external}"
        assert not self.errors, "\n".join(self.errors)


@pytest.fixture
def guard(server_url):
    return Guard(server_url)


def _guarded_context(browser, guard, locale: str):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale=locale)
    ctx.route("**/*", guard.route)
    return ctx


def _guarded_page(ctx, guard):
    pg = ctx.new_page()
    pg.on("console", guard.console)
    pg.on("pageerror", guard.page_error)
    pg.set_default_timeout(20_000)
    return pg


@pytest.fixture
def context(browser, guard):
    ctx = _guarded_context(browser, guard, "en-US")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, guard):
    """A guarded page at 1280×720 in English; the test fails if it made an external request or logged an error."""
    yield _guarded_page(context, guard)
    guard.check()


@pytest.fixture
def ko_page(browser, guard):
    """The same guarded page in a browser that asks for Korean (navigator.language "ko-KR")."""
    ctx = _guarded_context(browser, guard, "ko-KR")
    yield _guarded_page(ctx, guard)
    ctx.close()
    guard.check()


def wait_drawn(page, view: str = "flow", after: int = 0) -> int:
    """Wait until chart `view` has been drawn more than `after` times; return its draw count."""
    page.wait_for_function(
        "([id, n]) => Number(document.getElementById(id)?.dataset.draws || 0) > n",
        arg=[f"chart-{view}", after],
    )
    return int(page.get_attribute(f"#chart-{view}", "data-draws"))


def screenshot(page, name: str) -> list[Path]:
    """Save the page at the desktop and the phone viewport (each as seen, and the phone's full length)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    original = page.viewport_size
    for label, (w, h) in VIEWPORTS.items():
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(400)  # Plotly's responsive resize is debounced
        path = SCREENSHOTS / f"{name}-{w}x{h}.png"
        page.screenshot(path=path)
        saved.append(path)
        if label == "phone":
            full = SCREENSHOTS / f"{name}-{w}x{h}-full.png"
            page.screenshot(path=full, full_page=True)
            saved.append(full)
    page.set_viewport_size(original)
    return saved


@pytest.fixture
def helpers():
    """wait_drawn and screenshot, for tests (a fixture, since tests import no modules by path)."""
    return SimpleNamespace(wait_drawn=wait_drawn, screenshot=screenshot, screenshot_dir=SCREENSHOTS)
