"""Fixtures shared by every test folder.

One Chromium serves every real-browser test (tests/browser, tests/export). Playwright's sync API keeps an
event loop running in the main thread while it is open, and asyncio.run() refuses to start inside one, so the
tests that use the browser are collected last and the browser starts only when the first of them runs.
"""

import os

import pytest

# Starlette's TestClient sends `Host: testserver`; the app answers only to the names it is reached by.
os.environ.setdefault("GRADFLOW_ALLOWED_HOSTS", "testserver")
from fastapi.testclient import TestClient

from app.bench.browser import launch_chromium
from app.main import create_app


def browser_unavailable(why: str):
    """No browser: a skip on a laptop, a failure in CI (CI must never pass without its browser tests)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {why}")
    pytest.skip(why)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def app():
    return create_app()


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("the playwright package is not installed")
    with sync_playwright() as p:
        b = launch_chromium(p)
        if b is None:
            browser_unavailable("no Chromium found: set GRADFLOW_CHROMIUM to a Chromium or Chrome executable")
        yield b
        b.close()
