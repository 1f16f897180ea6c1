"""The live class (/api/class): who may do what, votes, bounds, idle expiry, and the event streams on a real
uvicorn (a follower is sent the current state first, every change, and `end` before its stream closes)."""

import asyncio
import contextlib
import json
import os
import socket
import threading
import time

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from app.bench.api_latency import free_port
from app.main import create_app
from app.settings import Settings
from app.web.live import session as live
from app.web.live.routes import join_url, student_bound
from app.web.live.session import (
    MAX_PENDING,
    MAX_QUESTIONS,
    MAX_SESSIONS,
    MAX_VIEW_BYTES,
    Store,
    Stream,
    event,
)

OWN = {"text": "Which cell keeps its gradient?", "choices": ["RNN", "LSTM"], "correct": 1}


def make_client(**settings) -> TestClient:
    return TestClient(create_app(Settings(**settings)), base_url="http://127.0.0.1")


@pytest.fixture
def client():
    with make_client() as c:
        yield c


def start(client) -> tuple[str, dict]:
    r = client.post("/api/class")
    assert r.status_code == 201, r.text
    body = r.json()
    assert len(body["id"]) >= 22 and len(body["teacher_secret"]) >= 43  # 16 and 32 bytes, base64
    assert body["join_url"].endswith(f"/?class={body['id']}")
    return body["id"], {"X-Class-Key": body["teacher_secret"]}


def ask(client, sid, key, body=OWN) -> dict:
    r = client.post(f"/api/class/{sid}/questions", json=body, headers=key)
    assert r.status_code == 201, r.text
    return r.json()


def vote(client, sid, qid, device, choice="a"):
    return client.post(f"/api/class/{sid}/questions/{qid}/answers", json={"device": device, "choice": choice})


@pytest.mark.parametrize("key", [None, "wrong-secret", ""])
def test_a_student_cannot_steer_the_class(client, key):
    sid, teacher = start(client)
    qid = ask(client, sid, teacher)["qid"]
    headers = {} if key is None else {"X-Class-Key": key}
    attempts = [
        client.put(f"/api/class/{sid}/view", json={"view": {"query": "T=5"}}, headers=headers),
        client.post(f"/api/class/{sid}/questions", json=OWN, headers=headers),
        client.post(f"/api/class/{sid}/questions/{qid}/reveal", headers=headers),
        client.post(f"/api/class/{sid}/questions/{qid}/close", headers=headers),
        client.get(f"/api/class/{sid}/tally", headers=headers),
        client.delete(f"/api/class/{sid}", headers=headers),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert all("teacher" in r.json()["message"] for r in attempts)
    state = client.get(f"/api/class/{sid}").json()
    assert state["view"] is None and state["question"]["qid"] == qid and state["ended"] is False


def test_a_device_votes_once_and_the_tally_counts_it_once(client):
    sid, teacher = start(client)
    qid = ask(client, sid, teacher)["qid"]
    assert vote(client, sid, qid, "device-one", "a").json() == {"counted": True}
    assert vote(client, sid, qid, "device-one", "b").json() == {"counted": False}
    assert vote(client, sid, qid, "device-two", "b").json() == {"counted": True}
    tally = client.get(f"/api/class/{sid}/tally", headers=teacher).json()
    assert tally == {"qid": qid, "tally": {"a": 1, "b": 1}, "answers": 2, "students": 0}
    revealed = client.post(f"/api/class/{sid}/questions/{qid}/reveal", headers=teacher).json()
    assert revealed == {"qid": qid, "correct": "b", "tally": {"a": 1, "b": 1}, "answers": 2}
    assert vote(client, sid, qid, "device-three").status_code == 409  # revealed: no longer open


def test_answers_too_fast_from_one_device_are_refused_with_retry_after(client):
    sid, teacher = start(client)
    qid = ask(client, sid, teacher)["qid"]
    codes = [vote(client, sid, qid, "hasty-device").status_code for _ in range(live.DEVICE_BURST)]
    assert codes == [200] * live.DEVICE_BURST
    refused = vote(client, sid, qid, "hasty-device")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "too many answers" in refused.json()["message"]
    assert vote(client, sid, qid, "other-device").json() == {"counted": True}  # others are not held up


def test_an_unknown_choice_is_a_422_naming_the_choices(client):
    sid, teacher = start(client)
    qid = ask(client, sid, teacher)["qid"]
    r = vote(client, sid, qid, "device-one", "e")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "choice"
    assert r.json()["message"] == "choice must be one of a, b (got 'e')"
    assert client.get(f"/api/class/{sid}/tally", headers=teacher).json()["answers"] == 0


@pytest.mark.parametrize(
    ("device", "field"),
    [("short", "device"), ("has space in it", "device"), ("x" * 65, "device"), ("ok-device", "extra")],
)
def test_an_answer_body_is_strict(client, device, field):
    sid, teacher = start(client)
    qid = ask(client, sid, teacher)["qid"]
    body = {"device": device, "choice": "a"} | ({"extra": 1} if field == "extra" else {})
    r = client.post(f"/api/class/{sid}/questions/{qid}/answers", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == field


def test_an_ended_session_is_gone_and_an_unknown_one_not_found(client):
    sid, teacher = start(client)
    assert client.delete(f"/api/class/{sid}", headers=teacher).status_code == 204
    for r in (
        client.get(f"/api/class/{sid}"),
        client.get(f"/api/class/{sid}/events"),
        client.put(f"/api/class/{sid}/view", json={"view": {}}, headers=teacher),
        vote(client, sid, "q1", "device-one"),
    ):
        assert r.status_code == 410 and r.json()["message"] == "the class session has ended"
    assert client.get("/api/class/not-a-session").status_code == 404


def test_more_workers_refuse_a_class_with_the_reason():
    with make_client(workers=2) as c:
        r = c.post("/api/class")
    assert r.status_code == 409
    assert r.json()["message"] == "a live class needs a single worker process; start with --workers 1"


def test_sessions_questions_and_views_are_bounded(client):
    sid, teacher = start(client)
    for _ in range(MAX_SESSIONS - 1):
        start(client)
    full = client.post("/api/class")
    assert full.status_code == 503 and f"at most {MAX_SESSIONS}" in full.json()["message"]
    for _ in range(MAX_QUESTIONS):
        ask(client, sid, teacher)
    over = client.post(f"/api/class/{sid}/questions", json=OWN, headers=teacher)
    assert over.status_code == 409 and f"at most {MAX_QUESTIONS} questions" in over.json()["message"]
    big = {"view": {"query": "x" * MAX_VIEW_BYTES}}
    r = client.put(f"/api/class/{sid}/view", json=big, headers=teacher)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "view"
    assert client.put(f"/api/class/{sid}/view", json={"view": []}, headers=teacher).status_code == 422


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "x" * 201, "choices": ["a", "b"]}, "text"),
        ({"text": "Why?", "choices": ["a"]}, "choices"),
        ({"text": "Why?", "choices": ["a", "b", "c", "d", "e"]}, "choices"),
        ({"text": "Why?", "choices": ["a", "y" * 81]}, "choices[1]"),
        ({"text": "Why?", "choices": ["a", "b"], "correct": 2}, "correct"),
        ({"text": "   ", "choices": ["a", "b"]}, "text"),
        ({"text": "Why?"}, "text"),
        ({"scene": "unrolled"}, "scene"),
        ({"scene": "bptt", "text": "Why?"}, "scene"),
        ({"scene": "bptt", "colour": "red"}, "colour"),
    ],
)
def test_a_question_body_is_strict_and_bounded(client, body, field):
    sid, teacher = start(client)
    r = client.post(f"/api/class/{sid}/questions", json=body, headers=teacher)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == field, r.json()
    if len(body.get("text", "")) > 200:
        assert r.json()["message"].startswith("text must have at most 200 characters")


def test_opening_a_question_closes_the_open_one(client):
    sid, teacher = start(client)
    first = ask(client, sid, teacher)["qid"]
    second = ask(client, sid, teacher, {"scene": "bptt"})
    assert second["scene"] == "bptt" and second["text"] is None
    assert [c["text"] for c in second["choices"]] == [None] * len(second["choices"])
    assert vote(client, sid, first, "device-one").status_code == 409
    assert client.get(f"/api/class/{sid}").json()["question"]["qid"] == second["qid"]
    closed = client.post(f"/api/class/{sid}/questions/{second['qid']}/close", headers=teacher)
    assert closed.status_code == 200 and client.get(f"/api/class/{sid}").json()["question"] is None


def test_a_session_whose_teacher_is_silent_ends_after_the_idle_time():
    now = [1000.0]
    with make_client() as c:
        c.app.state.live = Store(clock=lambda: now[0], idle_seconds=live.IDLE_SECONDS)
        sid, teacher = start(c)
        now[0] += live.IDLE_SECONDS - 1
        assert c.get(f"/api/class/{sid}/tally", headers=teacher).status_code == 200  # a teacher request
        now[0] += live.IDLE_SECONDS - 1
        qid = ask(c, sid, teacher)["qid"]
        now[0] += live.IDLE_SECONDS - 1
        assert vote(c, sid, qid, "device-one").status_code == 200  # students do not keep it alive
        now[0] += 1
        assert c.get(f"/api/class/{sid}").status_code == 410
        assert c.post("/api/class").status_code == 201  # its place is free again


def test_an_idle_session_ends_on_its_own_and_its_followers_are_sent_end(monkeypatch):
    """Without any request: the store looks for idle sessions every SWEEP_SECONDS while one is live."""
    monkeypatch.setattr(live, "SWEEP_SECONDS", 0.01)
    now = [0.0]

    async def scenario():
        store = Store(clock=lambda: now[0], idle_seconds=60)
        session = store.create()
        stream = session.join(bound=5)
        now[0] = 60.0
        await asyncio.sleep(0.1)
        return store, session, await stream.next()

    store, session, last = asyncio.run(scenario())
    assert session.ended and not store.sessions and store.was_ended(session.id)
    assert last == ("end", b"event: end\ndata: {}\n\n")


def test_a_slow_stream_keeps_only_the_newest_view_and_a_stalled_one_is_ended():
    stream = Stream()
    for seq in range(100):
        stream.push(event("view", {"seq": seq}))
    stream.push(event("question", {"qid": "q1"}))
    stream.push(event("view", {"seq": 100}))
    assert list(stream.pending) == [event("question", {"qid": "q1"}), event("view", {"seq": 100})]
    assert stream.pending[1][1] == b'event: view\ndata: {"seq":100}\n\n'
    assert stream.dropped_views == 100
    for i in range(MAX_PENDING):
        stream.push(event("closed", {"qid": f"q{i}"}))
    assert stream.overflowed and len(stream.pending) <= MAX_PENDING + 2
    assert asyncio.run(stream.next()) is None  # it is ended; its browser reconnects
    stream.push(event("end", {}))
    assert asyncio.run(stream.next()) == event("end", {})  # but told when the class has ended


def test_the_join_link_is_the_servers_own_address_never_the_host_header():
    assert join_url(Settings(port=8123), "abc") == "http://127.0.0.1:8123/?class=abc"
    assert join_url(Settings(host="::1", port=80), "abc") == "http://[::1]:80/?class=abc"
    assert (
        join_url(Settings(public_url="https://lab.example/x/"), "abc") == "https://lab.example/x/?class=abc"
    )


def test_a_low_file_limit_lowers_the_class_size():
    assert student_bound(Settings()) == live.MAX_STUDENTS
    assert student_bound(Settings(max_connections=60)) == 10


# Event streams on a real server ----------------------------------------------------------------------------


@contextlib.contextmanager
def real_server(**settings):
    app = create_app(Settings(**settings))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            http.app = app  # the server's app, to look at its sessions
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def read_events(lines, n: int) -> list[tuple[str, dict]]:
    """The next n events of a stream (keep-alive comments skipped)."""
    events, name = [], None
    for line in lines:
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[len("data: ") :])))
            if len(events) == n:
                return events
    return events


def test_a_late_joiner_is_in_step_and_ending_the_class_closes_its_stream():
    with real_server() as http:
        sid, teacher = start(http)
        http.put(f"/api/class/{sid}/view", json={"view": {"query": "T=5"}}, headers=teacher)
        http.put(f"/api/class/{sid}/view", json={"view": {"query": "T=9", "step": 2}}, headers=teacher)
        question = ask(http, sid, teacher)
        with http.stream("GET", f"/api/class/{sid}/events") as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            assert read_events(lines, 2) == [
                ("view", {"seq": 2, "view": {"query": "T=9", "step": 2}}),
                ("question", question),
            ]
            assert http.get(f"/api/class/{sid}").json()["students"] == 1
            http.post(
                f"/api/class/{sid}/questions/{question['qid']}/answers",
                json={"device": "device-one", "choice": "b"},
            )
            http.post(f"/api/class/{sid}/questions/{question['qid']}/reveal", headers=teacher)
            http.put(f"/api/class/{sid}/view", json={"view": {"query": "T=7"}}, headers=teacher)
            assert read_events(lines, 2) == [
                ("reveal", {"qid": question["qid"], "correct": "b", "tally": {"a": 0, "b": 1}, "answers": 1}),
                ("view", {"seq": 3, "view": {"query": "T=7"}}),
            ]
            assert http.delete(f"/api/class/{sid}", headers=teacher).status_code == 204
            assert read_events(lines, 1) == [("end", {})]
            assert [line for line in lines if line] == []  # the server closed the stream after `end`


def test_a_full_class_refuses_one_more_follower_and_takes_one_after_a_leaves():
    with real_server(max_connections=51) as http:  # a low connection bound: one student
        sid, _ = start(http)
        with http.stream("GET", f"/api/class/{sid}/events") as first:
            assert first.status_code == 200
            refused = http.get(f"/api/class/{sid}/events")
            assert refused.status_code == 503 and "at most 1 students" in refused.json()["message"]
        deadline = time.monotonic() + 10
        while http.get(f"/api/class/{sid}").json()["students"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert http.get(f"/api/class/{sid}").json()["students"] == 0


def test_a_class_on_every_interface_lets_students_in_by_the_laptops_address(monkeypatch):
    monkeypatch.setattr("app.web.infrastructure.hosts.interface_addresses", lambda: ["192.0.2.7"])
    monkeypatch.setattr("app.web.routes.classroom.interface_addresses", lambda: ["192.0.2.7"])
    with make_client(host="0.0.0.0", port=8000) as teacher_side:
        sid, _ = start(teacher_side)
        assert teacher_side.get(f"/api/class/{sid}").status_code == 200
        joined = teacher_side.post("/api/class").json()["join_url"]
        assert joined.startswith("http://192.0.2.7:8000/?class=")
        student = TestClient(teacher_side.app, base_url="http://192.0.2.7:8000")
        assert student.get(f"/api/class/{sid}").json()["students"] == 0
        stranger = TestClient(teacher_side.app, base_url="http://rebound.example")
        assert stranger.get(f"/api/class/{sid}").status_code == 400


def test_a_student_who_stops_reading_holds_one_view_and_does_not_hold_up_the_others():
    """A phone that stops reading: once the socket buffers are full, the server keeps only the newest view
    for it, while a student who reads receives every change."""
    with real_server() as http:
        sid, teacher = start(http)
        host, port = http.base_url.host, http.base_url.port
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect((host, port))
        stalled.sendall(f"GET /api/class/{sid}/events HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        big = {"train": {"loss": [0.123456] * 2500}}  # about 20 KB, like a training run's progress
        with http.stream("GET", f"/api/class/{sid}/events") as reading:
            lines = reading.iter_lines()
            for seq in range(1, 201):
                http.put(f"/api/class/{sid}/view", json={"view": big | {"step": seq}}, headers=teacher)
                assert read_events(lines, 1)[0][1]["seq"] == seq
            (session,) = http.app.state.live.sessions.values()
            (slow,) = [s for s in session.streams if s.dropped_views]
            assert [name for name, _ in slow.pending] == ["view"]
            assert slow.pending[0][1].startswith(b'event: view\ndata: {"seq":200,')
        stalled.close()


def test_a_low_file_limit_is_said_when_a_class_starts(monkeypatch, capsys, caplog):
    """macOS's default file limit (256) leaves 192 connections: the class is smaller, and the teacher is told
    how to lift it, by `gradflow serve --class` and in the server's log when the page starts a class."""
    from app.cli.serve import start_class
    from app.web.live.session import AT_START

    monkeypatch.setattr("app.web.live.routes.connection_bound", lambda configured: 192)
    assert student_bound(Settings()) == 142
    start_class(Settings(), "http://127.0.0.1:8000/")
    os.environ.pop(AT_START)  # what the server would read; this test starts none
    printed = capsys.readouterr().out
    assert "can follow only 142 students in a class (not 250)" in printed and "ulimit -n 1024" in printed
    with make_client() as c:
        assert c.post("/api/class").json()["max_students"] == 142
    assert any("ulimit -n 1024" in r.getMessage() for r in caplog.records)
