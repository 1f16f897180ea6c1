"""A real uvicorn server and a real Chromium for the page's tests.

The server runs in a subprocess (its NumPy work never competes with the test for the GIL) on a free port of
127.0.0.1. The browser is the system's Chromium: $GRADFLOW_CHROMIUM, else the usual install places. With no
browser the tests skip on a laptop and fail when CI is "true", so CI can never pass without running them.

Every page the tests open is guarded: a request for anything but the test server is aborted and recorded, and
console errors and uncaught exceptions are collected; either fails the test when the page is closed.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
VIEWPORTS = {"desktop": (1280, 720), "phone": (390, 844)}

# Flags from ../shared/notes/browser-tests.md: no sandbox in containers, and no background traffic that would
# try (and fail) to reach the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_CANDIDATES = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/usr/bin/microsoft-edge",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
]


def find_chromium() -> str | None:
    """The browser to drive: $GRADFLOW_CHROMIUM if set, else the first one installed in a usual place."""
    named = os.environ.get("GRADFLOW_CHROMIUM")
    if named:
        return named if Path(named).exists() else shutil.which(named)
    for path in _CANDIDATES:
        if Path(path).exists():
            return path
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    return None


def _unavailable(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {why}")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on {url} within {timeout} s")


def start_server() -> tuple[str, subprocess.Popen]:
    """A uvicorn subprocess serving the app on a free port of 127.0.0.1; returns its base URL and process."""
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc)
    except Exception:
        proc.kill()
        raise
    return url, proc


def launch_chromium(playwright):
    """The system Chromium, headless, with the flags this machine needs; None when there is none."""
    executable = find_chromium()
    if executable is None:
        return None
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def server_url():
    url, proc = start_server()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as p:
        b = launch_chromium(p)
        if b is None:
            _unavailable("no Chromium found: set GRADFLOW_CHROMIUM to a Chromium or Chrome executable")
        yield b
        b.close()


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


@pytest.fixture
def context(browser, guard):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    ctx.route("**/*", guard.route)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, guard):
    """A guarded page at 1280×720 in English; the test fails if it made an external request or logged an error."""
    pg = context.new_page()
    pg.on("console", guard.console)
    pg.on("pageerror", guard.page_error)
    pg.set_default_timeout(20_000)
    yield pg
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
    return SimpleNamespace(wait_drawn=wait_drawn, screenshot=screenshot)
