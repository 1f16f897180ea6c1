"""Exported pages, made once per test session, and a real Chromium that opens them from file://.

Every page is guarded: a request for anything but a file:, data: or blob: URL is aborted and recorded,
and console errors and uncaught exceptions are collected; either fails the test when the page is closed.
The browser is the session's Chromium from tests/conftest.py.
"""

from pathlib import Path

import pytest

from app.export import export_html

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
# A training preset cut to 40 updates (five snapshots), so that its run is computed and replayed in a moment.
SHORT_TRAINING = "/?preset=lstm-learns&steps=40"


@pytest.fixture(scope="session")
def exported(tmp_path_factory) -> dict[str, Path]:
    """The vanishing preset alone, the whole lesson (without its training run) and a short training run."""
    folder = tmp_path_factory.mktemp("export")
    pages = {
        "preset": export_html(preset="vanishing"),
        "lesson": export_html(lesson=True, train=False),
        "training": export_html(url=SHORT_TRAINING),
    }
    paths = {}
    for name, html in pages.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_text(html, encoding="utf-8")
    return paths


class Guard:
    """What an exported page did that it must not: requests beyond the file, console errors, exceptions."""

    def __init__(self):
        self.external: list[str] = []
        self.errors: list[str] = []

    def route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def console(self, msg):
        if msg.type == "error":
            self.errors.append(f"console: {msg.text} ({msg.location.get('url', '')})")

    def page_error(self, exc):
        self.errors.append(f"uncaught: {exc}")

    def check(self):
        assert not self.external, f"the file reached beyond itself: {self.external}"
        assert not self.errors, "\n".join(self.errors)


@pytest.fixture
def guard():
    return Guard()


@pytest.fixture
def page(browser, guard):
    """A guarded page at 1280×720 in English, with the network blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    context.route("**/*", guard.route)
    pg = context.new_page()
    pg.on("console", guard.console)
    pg.on("pageerror", guard.page_error)
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
    guard.check()


@pytest.fixture
def shoot():
    """Save a screenshot of the page as test-output/screenshots/export-NAME.png."""

    def save(pg, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"export-{name}.png"
        pg.screenshot(path=path)
        return path

    return save
