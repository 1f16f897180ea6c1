"""A real server and a real Chromium, for the page's benchmark (page_speed) and its browser tests.

The server is uvicorn in a subprocess on a free port of 127.0.0.1, so its NumPy work never competes with the
caller for the GIL. The browser is the system's Chromium (Playwright's own download cannot work offline):
$GRADFLOW_CHROMIUM, else the usual install places on Linux, macOS and Windows. Playwright is imported by the
callers, never here, so `gradflow` itself does not need it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

# No sandbox inside containers, and no background traffic that would try (and fail) to reach the internet.
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


def launch_chromium(playwright):
    """Headless system Chromium with the flags above, from a Playwright instance; None when there is none."""
    executable = find_chromium()
    if executable is None:
        return None
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, timeout: float) -> None:
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


@contextmanager
def serve(timeout: float = 30.0, env: dict[str, str] | None = None):
    """Run the app under uvicorn on a free port of 127.0.0.1 for the `with` block; yields its base URL."""
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
