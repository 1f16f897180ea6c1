"""The HTTP-level guards (app.web.infrastructure.head, hosts, body_limit, the strict schemas, settings) in process."""

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
from app.settings import Settings
from app.web.infrastructure.hosts import allowed_hosts, host_name


@pytest.mark.parametrize("path", ["/api/health", "/api/meta", "/", "/api/trace?T=10&H=4"])
def test_head_answers_where_get_does_without_a_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


def test_unknown_host_is_refused_in_the_error_shape(client):
    r = client.get("/api/health", headers={"host": "evil.example"})
    assert r.status_code == 400 and r.json()["detail"] == "untrusted_host"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_no_redirect_is_built_from_the_host_header(client):
    r = client.get("/api/trace/", headers={"host": "evil.example"}, follow_redirects=False)
    assert r.status_code == 400 and "location" not in r.headers
    r = client.get("/api/trace/", follow_redirects=False)
    assert r.status_code == 404 and "location" not in r.headers


def test_allowed_hosts_follow_the_binding_and_the_public_url(monkeypatch):
    assert allowed_hosts(Settings(host="127.0.0.1", allowed_hosts="")) == {"localhost", "127.0.0.1", "::1"}
    assert "192.0.2.7" in allowed_hosts(Settings(host="192.0.2.7"))
    public = allowed_hosts(Settings(public_url="https://Lab.Example:9000/x", allowed_hosts="a.test, B.test"))
    assert {"lab.example", "a.test", "b.test"} <= public
    assert host_name("[::1]:8000") == "::1" and host_name("Example.org:80") == "example.org"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"T": "50"}, "T"),
        ({"H": True}, "H"),
        ({"T": 50.0}, "T"),
        ({"include_weights": "yes"}, "include_weights"),
        ({"include_weights": 1}, "include_weights"),
    ],
)
def test_json_bodies_are_strictly_typed(client, body, field):
    r = client.post("/api/trace", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == field


@pytest.mark.parametrize("route", ["/api/gradcheck", "/api/export/trace.json"])
def test_every_json_body_is_strictly_typed(client, route):
    r = client.post(route, json={"T": "50"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "T"


def test_train_body_refuses_a_number_for_a_flag(client):
    r = client.post("/api/train", json={"stop_when_solved": 0})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "stop_when_solved"


@pytest.mark.parametrize("query", ["T=1_0", "T=+50", "T= 50", "include_weights=yes", "noise=1_0", "H=0x10"])
def test_query_numbers_and_flags_are_spelled_plainly(client, query):
    r = client.get(f"/api/trace?{query}")
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == query.split("=")[0]


def test_plain_query_spellings_still_work(client):
    r = client.get("/api/trace?T=10&H=4&noise=0.5&include_weights=true&cells=rnn")
    assert r.status_code == 200


def test_body_over_the_limit_is_a_json_413(client):
    r = client.post("/api/trace", content=b" " * (2**20 + 1), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["detail"] == "too_large"
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("body", [b"[" * 5000 + b"]" * 5000, b'{"task": "\xff"}'])
def test_unparseable_bodies_are_422_naming_the_body(client, body):
    r = client.post("/api/trace", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body"


def test_an_unhandled_error_is_a_json_500_with_the_headers(monkeypatch):
    import app.web.routes.trace as trace

    def broken(config):
        raise RuntimeError("boom")

    monkeypatch.setattr(trace, "_encode", broken)
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        r = client.get("/api/trace?T=7&H=3")
        assert r.status_code == 500 and r.json()["detail"] == "internal_error"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert client.get("/api/health").status_code == 200


def test_a_bad_environment_value_is_one_line_naming_the_variable_and_its_limit():
    env = {**os.environ, "GRADFLOW_PORT": "70000"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip() == "gradflow: invalid setting: GRADFLOW_PORT must be at most 65535 (got '70000')"
    )


def test_workers_exit_when_the_parent_is_killed():
    port = free_port()
    env = {**os.environ, "GRADFLOW_PORT": str(port), "GRADFLOW_WORKERS": "2"}
    parent = subprocess.Popen(
        [sys.executable, "-m", "app", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and parent.poll() is None, "server did not start"
            time.sleep(0.2)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # the workers close the port when they exit
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
            except httpx.TransportError:
                break
            time.sleep(0.2)
        else:
            pytest.fail("a worker still answers after its parent was killed")
    finally:
        try:
            os.killpg(parent.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_whole_run_too_large_to_answer_says_how_to_get_it(client):
    """Three cells, T = 500, a snapshot every step: hundreds of megabytes as one answer; refused at once
    with the two ways to have it (the stream, or a coarser snapshot_every), and the coarser one passes."""
    config = {
        "cells": ["rnn", "lstm", "gru"],
        "T": 500,
        "H": 1,
        "steps": 5000,
        "seconds": 60,
        "snapshot_every": 1,
    }
    r = client.post("/api/train", json=config)
    assert r.status_code == 422
    message = r.json()["message"]
    assert "POST /api/train/stream" in message and "snapshot_every to at least" in message
    every = int(message.rsplit("at least ", 1)[1].rstrip("."))
    from app.web.payloads.train_run import MAX_RUN_BYTES, run_bytes
    from app.web.schemas import TrainConfig

    assert run_bytes(TrainConfig(**config)) > MAX_RUN_BYTES
    assert run_bytes(TrainConfig(**{**config, "snapshot_every": every})) <= MAX_RUN_BYTES


def test_the_size_bound_holds_the_measured_answer():
    """run_bytes is an upper bound on the JSON a run really produces."""
    from app.web.payloads.train_run import run_bytes, run_to_end
    from app.web.schemas import TrainConfig

    config = TrainConfig(
        cells=["rnn", "lstm", "gru"], T=30, H=2, batch=2, test_size=2, steps=6, snapshot_every=1
    )
    run = run_to_end(config)
    assert sum(len(body) for body in run.encoded) <= run_bytes(config)
