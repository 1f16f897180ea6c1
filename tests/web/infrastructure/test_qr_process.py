"""The QR drawing process (app/web/infrastructure/qr_process.py): started with the app, ended with it however the server
ends, and replaced when it dies."""

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from app.bench.api_latency import free_port
from app.main import create_app
from app.web.infrastructure.qr_process import draw_qr

URL = "http://192.0.2.7:8000/?scene=3"


def drawing_children() -> set:
    """This process's live children started by multiprocessing (the drawing process among them)."""
    return set(multiprocessing.active_children())


def test_the_drawing_process_starts_with_the_app_and_ends_with_it():
    before = drawing_children()
    app = create_app()
    with TestClient(app) as client:
        started = drawing_children() - before
        assert len(started) == 1  # started and warmed before any request
        r = client.get("/api/classroom/qr.svg", params={"url": URL})
        assert r.status_code == 200 and r.content == draw_qr(URL)
        assert drawing_children() - before == started  # the same process drew it
    (child,) = started
    assert not child.is_alive() and child not in drawing_children()


def test_a_drawing_process_that_died_is_replaced():
    before = drawing_children()
    app = create_app()
    with TestClient(app) as client:
        (child,) = drawing_children() - before
        child.kill()
        child.join(10)
        r = client.get("/api/classroom/qr.svg", params={"url": URL})
        assert r.status_code == 200 and r.content == draw_qr(URL)
        (replacement,) = drawing_children() - before
        assert replacement is not child and replacement.is_alive()
        r = client.get("/api/classroom/qr.svg", params={"url": URL + "&again=1"})
        assert r.status_code == 200


def group_is_empty(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_no_process_outlives_the_server(how):
    """A server stopped (SIGTERM: uvicorn ends by the signal itself once its shutdown has run) or killed
    leaves no process behind: the drawing process is in the server's process group, which must empty."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/classroom/qr.svg", params={"url": URL}, timeout=5)
                if r.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "server did not start"
            time.sleep(0.2)
        os.kill(server.pid, how)
        server.wait(30)
        deadline = time.monotonic() + 15
        while not group_is_empty(server.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert group_is_empty(server.pid), "a process of the server's group outlived it"
    finally:
        if not group_is_empty(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
