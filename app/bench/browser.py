"""A real Chromium, for the page's benchmark (page_speed) and its browser tests (the server they drive is
app.bench.api_latency.serve: uvicorn in a subprocess on a free port of 127.0.0.1).

The browser is the system's Chromium (Playwright's own download cannot work offline): $GRADFLOW_CHROMIUM,
else the usual install places on Linux, macOS and Windows. Playwright is imported by the callers, never here,
so `gradflow` itself does not need it.
"""

import os
import shutil
from pathlib import Path

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
