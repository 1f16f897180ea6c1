"""A hostile or clumsy client against a real uvicorn (app.web.infrastructure.connections.GuardedProtocol), one finding
of issue 14 per test: the server must keep answering, give back what a departed client started, and
hold its memory. Figures (latencies, megabytes) are printed by `gradflow bench --only hostile`; these
tests check the mechanisms with generous deadlines, never a speed.
"""

import contextlib
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from app.bench.api_latency import serve_process as server
from app.bench.hostile import rss_mb

LONG_TRAIN = "cells=rnn&cells=lstm&T=100&steps=5000&seconds=60&snapshot_every=1000&test_size=16"


def wait_until(predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def computing(base: str) -> int:
    return httpx.get(f"{base}/api/health", timeout=10).json()["computing"]


@pytest.fixture(scope="module")
def shared():
    with server({"GRADFLOW_MAX_CONCURRENT": "12"}) as running:
        yield running


def test_lone_surrogate_is_a_422_with_headers_and_the_connection_stays_usable(shared):
    base, _ = shared
    with httpx.Client(base_url=base, timeout=30) as client:
        for body in (b'{"task": "\\ud800"}', b'{"\\ud800": 1}', b'{"cells": ["rnn", "\\udfff"]}'):
            r = client.post("/api/trace", content=body, headers={"content-type": "application/json"})
            assert r.status_code == 422, r.text
            assert r.json()["message"] and r.json()["detail"][0]["field"]
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["x-frame-options"] == "DENY"
            assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
            assert r.headers.get("connection") != "close"
        # the same keep-alive connection answers the next request
        assert client.get("/api/health").status_code == 200
        assert client.post("/api/train", json={"H": True}).status_code == 422


def test_100_mb_bodies_are_refused_before_they_are_read(shared):
    base, process = shared
    port = int(base.rsplit(":", 1)[1])
    before = rss_mb(process.pid)

    def send_huge() -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            head = (
                "POST /api/trace HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {100 * 2**20}\r\n\r\n"
            )
            s.sendall(head.encode() + b"[" * 2**20)
            return s.recv(200)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: send_huge(), range(8)))
    assert all(a.startswith(b"HTTP/1.1 413") for a in answers), answers
    assert rss_mb(process.pid) - before < 50


def test_qr_flood_is_admitted_like_any_computation_and_health_answers(shared):
    base, _ = shared

    def qr(i: int) -> int:
        url = "http://a/" + "x" * 1985 + str(i)
        return httpx.get(f"{base}/api/classroom/qr.svg", params={"url": url}, timeout=60).status_code

    health = []
    with ThreadPoolExecutor(40) as pool:
        flood = [pool.submit(qr, i) for i in range(80)]
        while not all(f.done() for f in flood):
            health.append(httpx.get(f"{base}/api/health", timeout=30).status_code)
        statuses = [f.result() for f in flood]
    assert set(statuses) <= {200, 503} and statuses.count(503) > 0, statuses
    assert health and set(health) == {200}


def test_unread_streams_hold_a_bounded_amount_of_memory(shared):
    """12 streams that are opened and never read: the worker waits for room in a queue of a few
    snapshots, so the server's memory stops growing at a bound (here 120 MB over where it was)."""
    base, process = shared
    port = int(base.rsplit(":", 1)[1])
    body = b'{"cells": ["rnn", "lstm", "gru"], "T": 500, "H": 8, "batch": 4, "test_size": 4, "steps": 5000, "snapshot_every": 1, "seconds": 20}'
    before = rss_mb(process.pid)
    sockets = []
    try:
        for _ in range(12):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            head = (
                "POST /api/train/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            s.sendall(head.encode() + body)
            sockets.append(s)
        assert wait_until(lambda: computing(base) == 12, 20)
        samples = []
        for _ in range(6):  # the runs would produce hundreds of snapshots each in this time
            time.sleep(0.5)
            samples.append(rss_mb(process.pid) - before)
        print(f"\nunread streams: memory over baseline {[round(s) for s in samples]} MB")
        assert max(samples) < 120
        assert samples[-1] - samples[2] < 20  # no longer growing
    finally:
        for s in sockets:
            s.close()
    assert wait_until(lambda: computing(base) == 0, 20)


def test_whole_run_training_stops_when_its_client_leaves(shared):
    base, _ = shared
    for url in (f"/api/export/train.csv?{LONG_TRAIN}", f"/api/export/train.json?{LONG_TRAIN}&seed=1"):
        with httpx.Client(base_url=base, timeout=1.0) as client, contextlib.suppress(httpx.TimeoutException):
            client.get(url)  # the client gives up after 1 s and closes its connection
        assert wait_until(lambda: computing(base) == 0, 10), url
    with httpx.Client(base_url=base, timeout=1.0) as client, contextlib.suppress(httpx.TimeoutException):
        client.post("/api/train", json={"cells": ["rnn", "lstm"], "T": 100, "steps": 5000, "seconds": 60})
    assert wait_until(lambda: computing(base) == 0, 10)


def test_stream_stops_when_its_client_leaves_between_snapshots(shared):
    """snapshot_every=1000: no snapshot is due for many seconds, and the run still ends when the
    connection closes, because the disconnect is watched, not discovered at the next write."""
    base, _ = shared
    config = {"cells": ["rnn", "lstm"], "T": 100, "steps": 5000, "seconds": 60, "snapshot_every": 1000}
    with httpx.Client(base_url=base, timeout=30) as client:
        with client.stream("POST", "/api/train/stream", json=config) as response:
            lines = response.iter_lines()
            assert next(lines) == "event: start"
            assert computing(base) == 1
    assert wait_until(lambda: computing(base) == 0, 10)


def test_half_open_connections_at_a_256_file_limit_leave_the_server_answering():
    with server({"GRADFLOW_HEADER_TIMEOUT": "30"}, files=256) as (base, process):
        port = int(base.rsplit(":", 1)[1])
        held = []
        try:
            for _ in range(300):
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never end
                held.append(s)
            for _ in range(5):
                assert httpx.get(f"{base}/api/health", timeout=10).status_code == 200
        finally:
            for s in held:
                s.close()
        assert process.poll() is None


def test_header_and_body_timeouts_end_requests_that_never_finish():
    with server({"GRADFLOW_HEADER_TIMEOUT": "1"}) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            assert s.recv(100) == b""  # closed by the server, well before our 20 s timeout
        with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
            s.sendall(
                b"POST /api/trace HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b'Content-Length: 100\r\n\r\n{"T": '
            )  # the rest of the body never comes
            answer = b""
            while chunk := s.recv(1000):  # the server answers, then closes
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408") and b'"detail":"body_timeout"' in answer
