"""live_class: one laptop's server and a class of students following it (issue #15), measured.

A uvicorn process of its own on 127.0.0.1 (app.web.infrastructure.connections' protocol, as `gradflow serve` runs it)
holds one live class; this process plays the teacher and STUDENTS students, each student an event stream
on a raw asyncio connection (lighter than an HTTP client library, so the figures are the server's):

- view fan-out: the teacher changes the view CHANGES times (PUT /view, a view of about 2 KB), then CHANGES
  times more with one of about 24 KB (training progress, as large as the page makes it); for each change,
  the time from sending the PUT to the *last* student's receipt of that `view` event: p50, p99 and max
  over the changes (target p99 < 500 ms), and events missed;
- answers: every student answers the open question at once, each on a connection of its own (as a
  browser sends it beside its stream): the time until all are answered, errors, and the tally's count;
- server: resident memory (MB) before the students join, with them connected, and after they left;
  its threads and open sockets before and after (they should be back where they were).
Memory, threads and sockets are read from /proc (Linux); elsewhere those figures are null.
"""

import asyncio
import json
import os
import time

import httpx

from app.bench import progress
from app.bench.api_latency import percentile, serve_process
from app.bench.hostile import rss_mb

STUDENTS = 200
CHANGES = 20
TARGET_P99_MS = 500.0
TARGET_ANSWERS_S = 5.0


def threads(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
    except (OSError, StopIteration):
        return None


def sockets(pid: int) -> int | None:
    try:
        return sum(
            os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:") for fd in os.listdir(f"/proc/{pid}/fd")
        )
    except OSError:
        return None


def server_figures(pid: int) -> dict:
    return {"rss_mb": rss_mb(pid), "threads": threads(pid), "sockets": sockets(pid)}


class Student:
    """One follower: an event stream read line by line; the time each `view` seq arrived."""

    def __init__(self, host: str, port: int, session_id: str):
        self.host, self.port, self.session_id = host, port, session_id
        self.seen: dict[int, float] = {}
        self.arrived = asyncio.Event()
        self.writer: asyncio.StreamWriter | None = None
        self.task: asyncio.Task | None = None

    async def connect(self) -> None:
        reader, self.writer = await asyncio.open_connection(self.host, self.port)
        request = (
            f"GET /api/class/{self.session_id}/events HTTP/1.1\r\nHost: {self.host}\r\n"
            "Accept: text/event-stream\r\n\r\n"
        )
        self.writer.write(request.encode())
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"a student's stream was refused: {status!r}")
        self.task = asyncio.ensure_future(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        name = b""
        while line := await reader.readline():
            if line.startswith(b"event: "):
                name = line[7:].strip()
            elif line.startswith(b'data: {"seq":') and name == b"view":  # the server writes seq first
                self.seen[int(line[13 : line.index(b",")])] = time.perf_counter()
                self.arrived.set()

    async def leave(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.task is not None:
            self.task.cancel()


SMALL_VIEW, TRAINING_VIEW = 60, 1500  # losses per cell: a view of about 2 KB, and of about 24 KB (the
# size the page thins a training run's snapshots to)


def a_view(step: int, floats: int) -> dict:
    """About what the page sends: its query, the scene, and training progress of `floats` losses per cell."""
    losses = [round(1.0 / (1 + 0.01 * i), 4) for i in range(floats)]
    return {
        "query": "preset=lstm-learns&cells=rnn&cells=lstm&T=50&H=16",
        "scene": "training",
        "step": step,
        "train": {"step": 10 * step, "cells": {"rnn": {"loss": losses}, "lstm": {"loss": losses[::-1]}}},
    }


async def fanout(
    http: httpx.AsyncClient, sid: str, key: dict, students: list, changes: int, floats: int
) -> dict:
    """`changes` views of `floats` losses, one after another: per change, the time from sending the PUT to
    the last student's receipt."""
    latencies, missed = [], 0
    first = (await http.put(f"/api/class/{sid}/view", json={"view": a_view(0, floats)}, headers=key)).json()
    await wait_all(students, first["seq"], 10)  # warm-up
    for step in range(1, changes + 1):
        view = a_view(step, floats)
        sent = time.perf_counter()
        seq = (await http.put(f"/api/class/{sid}/view", json={"view": view}, headers=key)).json()["seq"]
        last = await wait_all(students, seq, 10)
        if last is None:
            missed += 1
        else:
            latencies.append(1e3 * (last - sent))
        await asyncio.sleep(0.1)
    result = {
        "view_bytes": len(json.dumps(view, separators=(",", ":"))),
        "changes": changes,
        "missed": missed,
    }
    if latencies:
        result |= {
            "p50_ms": round(percentile(latencies, 50), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "max_ms": round(max(latencies), 1),
        }
    return result


async def wait_all(students: list[Student], seq: int, timeout: float) -> float | None:
    """The time the last student received view `seq`, or None when one had not after `timeout` s."""
    deadline = time.perf_counter() + timeout
    for student in students:
        while seq not in student.seen:
            student.arrived.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            try:
                await asyncio.wait_for(student.arrived.wait(), left)
            except TimeoutError:
                return None
    return max(student.seen[seq] for student in students)


async def post_raw(host: str, port: int, path: str, body: dict) -> tuple[int, dict]:
    """One POST on a new connection, as plain HTTP/1.1 over an asyncio stream: (status, JSON body)."""
    reader, writer = await asyncio.open_connection(host, port)
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + data)
    response = await reader.read()
    writer.close()
    head, _, payload = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(payload or b"null")


async def answer_all(host: str, port: int, session_id: str, qid: str, n: int) -> dict:
    """n answers at once, each from a device and a connection of its own."""

    async def one(i: int) -> str:
        path = f"/api/class/{session_id}/questions/{qid}/answers"
        body = {"device": f"bench-device-{i:04d}", "choice": "a" if i % 3 else "b"}
        try:
            status, answer = await post_raw(host, port, path, body)
        except (OSError, ValueError) as exc:
            return type(exc).__name__
        return "ok" if status == 200 and answer == {"counted": True} else f"HTTP {status}"

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(i) for i in range(n)))
    seconds = time.perf_counter() - started
    errors = [o for o in outcomes if o != "ok"]
    return {"n": n, "seconds": round(seconds, 3), "errors": len(errors), "error_kinds": sorted(set(errors))}


async def a_class(base: str, pid: int, students_n: int, changes: int) -> dict:
    host, port = base.removeprefix("http://").split(":")
    async with httpx.AsyncClient(base_url=base, timeout=30) as teacher_http:
        started = (await teacher_http.post("/api/class")).json()
        sid, key = started["id"], {"X-Class-Key": started["teacher_secret"]}
        before = server_figures(pid)
        progress(f"live_class: {students_n} students join")
        students = [Student(host, int(port), sid) for _ in range(students_n)]
        for i in range(0, students_n, 50):  # in groups, as a class scans the QR code
            await asyncio.gather(*(s.connect() for s in students[i : i + 50]))
        joined = (await teacher_http.get(f"/api/class/{sid}")).json()["students"]

        progress(f"live_class: {changes} view changes of about 2 KB, then {changes} of about 24 KB")
        small = await fanout(teacher_http, sid, key, students, changes, SMALL_VIEW)
        training = await fanout(teacher_http, sid, key, students, changes, TRAINING_VIEW)

        progress(f"live_class: {students_n} answers at once")
        qid = (
            await teacher_http.post(
                f"/api/class/{sid}/questions", json={"text": "?", "choices": ["x", "y"]}, headers=key
            )
        ).json()["qid"]
        answers = await answer_all(host, int(port), sid, qid, students_n)
        answers["counted"] = (await teacher_http.get(f"/api/class/{sid}/tally", headers=key)).json()[
            "answers"
        ]
        during = server_figures(pid)

        progress("live_class: students leave")
        await asyncio.gather(*(s.leave() for s in students))
        deadline = time.monotonic() + 20
        while (await teacher_http.get(f"/api/class/{sid}")).json()[
            "students"
        ] and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        left_count = (await teacher_http.get(f"/api/class/{sid}")).json()["students"]
        await asyncio.sleep(1.0)  # closed sockets are released by the server's loop
        after = server_figures(pid)
        await teacher_http.delete(f"/api/class/{sid}", headers=key)
    return {
        "students": students_n,
        "joined": joined,
        "view_fanout_to_last_student": small,
        "training_view_fanout_to_last_student": training,
        "answers": answers,
        "students_after_leaving": left_count,
        "server_before": before,
        "server_with_students": during,
        "server_after": after,
    }


def run(quick: bool, students: int | None = None, changes: int | None = None) -> dict:
    students = students or (50 if quick else STUDENTS)
    changes = changes or (5 if quick else CHANGES)
    with serve_process() as (base, process):
        result = asyncio.run(a_class(base, process.pid, students, changes))
    answers = result["answers"]
    result["targets"] = {"view_p99_ms": TARGET_P99_MS, "answers_s": TARGET_ANSWERS_S}
    result["meets_targets"] = {
        name: f.get("p99_ms", float("inf")) < TARGET_P99_MS and f["missed"] == 0
        for name, f in (
            ("view_p99", result["view_fanout_to_last_student"]),
            ("training_view_p99", result["training_view_fanout_to_last_student"]),
        )
    } | {
        "answers": answers["errors"] == 0 and answers["seconds"] < TARGET_ANSWERS_S,
    }
    return result
