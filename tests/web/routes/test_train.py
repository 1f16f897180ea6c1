"""POST /api/train/stream (SSE) and POST /api/train: order, numbers, stop on disconnect, caching."""

import asyncio
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

import app.web.routes.train as train_router
from app.core import train as core_train
from app.main import create_app
from app.settings import Settings
from app.web.payloads.train_run import core_config
from app.web.schemas import TrainConfig

CONFIG = {
    "cells": ["rnn", "lstm"],
    "T": 8,
    "H": 4,
    "batch": 8,
    "steps": 20,
    "snapshot_every": 5,
    "test_size": 16,
}


def events(text: str) -> list[tuple[str, dict]]:
    """Parse a text/event-stream body into (event, data) pairs, strictly."""
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        assert set(lines) == {"event", "data"}
        out.append((lines["event"], json.loads(lines["data"], parse_constant=lambda t: 1 / 0)))
    return out


@pytest.fixture(scope="module")
def stream():
    with TestClient(create_app()) as client:
        r = client.post("/api/train/stream", json=CONFIG)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        return events(r.text)


def test_stream_order_start_snapshots_done(stream):
    names = [name for name, _ in stream]
    assert names == ["start"] + ["snapshot"] * 5 + ["done"]
    assert [data["step"] for name, data in stream if name == "snapshot"] == [0, 5, 10, 15, 20]
    start = stream[0][1]
    assert start["sizes"] == {"T": 8, "B": 8, "D": 2, "H": 4, "K": 1}
    assert start["task"]["baseline"] == pytest.approx(1 / 6) and start["config"]["steps"] == 20
    assert stream[-1][1] == {"status": "done", "reason": "steps", "snapshots": 5, "message": ""}
    last = stream[-2][1]
    assert last["final"] is True and last["reason"] == "steps"


def test_snapshot_numbers_equal_the_cores(stream):
    snaps = list(core_train.train(core_config(TrainConfig(**CONFIG))))
    api = [data for name, data in stream if name == "snapshot"]
    assert len(snaps) == len(api)
    for mine, theirs in zip(api, snaps, strict=True):
        for kind in ("rnn", "lstm"):
            a, c = mine["cells"][kind], theirs["cells"][kind]
            for key in ("train_loss", "test_loss", "grad_norm"):
                assert a[key] == pytest.approx(c[key], rel=6e-4)
            assert a["clipped"] == c["clipped"] and a["step"] == c["step"]
            np.testing.assert_allclose(a["grad_hidden_norm"]["data"], c["grad_hidden_norm"], rtol=6e-4)
            assert a["grad_hidden_norm"]["shape"] == [8]
        np.testing.assert_allclose(
            mine["cells"]["lstm"]["gate_means"]["f"]["data"],
            theirs["cells"]["lstm"]["gate_means"]["f"],
            rtol=6e-4,
        )
        assert mine["cells"]["rnn"]["grad_cell_norm"] is None
        # the RNN's bound on ‖dL/dh_t‖ moves with W_hh as it learns, so the headline animates it
        np.testing.assert_allclose(
            mine["cells"]["rnn"]["grad_hidden_bound"]["data"],
            theirs["cells"]["rnn"]["grad_hidden_bound"],
            rtol=6e-4,
        )
        assert mine["cells"]["lstm"]["grad_hidden_bound"] is None
        for kind in ("rnn", "lstm"):
            assert mine["cells"][kind]["first_nonfinite_forward"] is None
            assert mine["cells"][kind]["first_nonfinite_backward"] is None


def test_whole_run_equals_the_stream_and_is_cached(client, stream):
    first = client.post("/api/train", json=CONFIG)
    again = client.post("/api/train", json=CONFIG)
    assert first.status_code == 200 and again.headers["x-cache"] == "hit"
    body = first.json()
    assert body["status"] == "done" and body["sizes"] == stream[0][1]["sizes"]
    streamed = [data for name, data in stream if name == "snapshot"]
    assert [s["cells"]["lstm"]["test_loss"] for s in body["snapshots"]] == [
        s["cells"]["lstm"]["test_loss"] for s in streamed
    ]


def test_a_finished_stream_is_replayed_from_the_cache():
    with TestClient(create_app()) as client:
        config = {**CONFIG, "seed": 5, "steps": 10}
        live = client.post("/api/train/stream", json=config)
        replay = client.post("/api/train/stream", json=config)
        assert live.headers["x-cache"] == "miss" and replay.headers["x-cache"] == "hit"
        live_events, replay_events = events(live.text), events(replay.text)
        assert [e for e in replay_events[:-1]] == live_events[:-1]
        assert replay_events[-1][1]["replayed"] is True


def test_stream_stops_when_the_client_disconnects(monkeypatch):
    """Drive the ASGI app directly: the client goes away after two snapshots of a 5000-step run."""
    app = create_app(Settings(max_concurrent=2))
    runs = []
    original = train_router.run_to_end

    def recording(*args, **kwargs):
        run = original(*args, **kwargs)
        runs.append(run)
        return run

    monkeypatch.setattr(train_router, "run_to_end", recording)
    body = json.dumps(
        {"cells": ["rnn"], "T": 4, "H": 2, "batch": 2, "steps": 5000, "snapshot_every": 1, "test_size": 2}
    ).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/train/stream",
        "raw_path": b"/api/train/stream",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }

    async def scenario():
        gone = asyncio.Event()
        sent_body = False
        snapshots = 0
        chunks = []

        async def receive():
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            nonlocal snapshots
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                snapshots += message.get("body", b"").count(b"event: snapshot")
                if snapshots >= 2:
                    gone.set()

        await asyncio.wait_for(app(scope, receive, send), timeout=60)
        for _ in range(600):  # the slot is given back once the training thread has stopped
            if app.state.limiter.active == 0 and runs:
                break
            await asyncio.sleep(0.05)
        return b"".join(chunks)

    text = asyncio.run(scenario())
    assert app.state.limiter.active == 0
    assert runs and runs[0].reason == "stopped" and len(runs[0].snapshots) < 100
    assert b"event: done" not in text
    assert (
        app.state.cache.get(train_router._key(TrainConfig(**json.loads(body)))) is None
    )  # stopped: not cached


def test_failure_is_a_failed_event(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the loop broke")

    monkeypatch.setattr(train_router, "run_to_end", broken)
    with TestClient(create_app()) as client:
        r = client.post("/api/train/stream", json={**CONFIG, "seed": 9})
        assert events(r.text)[-1] == (
            "failed",
            {"status": "failed", "reason": "failed", "message": "Training failed: the loop broke"},
        )
        assert client.app.state.limiter.active == 0


def test_training_budget_is_enforced(client):
    r = client.post("/api/train", json={"cells": ["rnn", "lstm", "gru"], "T": 100, "H": 64, "steps": 5000})
    assert r.status_code == 422 and "steps = 5000" in r.json()["message"]
    r = client.post("/api/train", json={"cells": ["lstm"], "T": 500, "H": 256, "test_size": 1024, "steps": 1})
    assert r.status_code == 422 and "too much memory" in r.json()["message"]
