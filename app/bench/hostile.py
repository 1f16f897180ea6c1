"""hostile: what a hostile or clumsy client costs a real server (issue 14's findings, measured).

Each figure comes from a uvicorn process of its own, started as `gradflow serve` runs it on a free port of
127.0.0.1 (api_latency.serve_process, as every benchmark and test that needs a real server does):

- qr_flood: distinct 2000-byte QR links, 40 at a time: answers by status, /api/health's latency (p50, p99,
  max) while they run, and the CPU seconds the server process (its QR process not included) and the
  flooding client used meanwhile, since on one machine they share the cores;
- dropped_training: whole-run trainings (the training CSV export, each a minute of work) whose clients
  give up after 1 s: seconds from the close until the server reports no computation running;
- dropped_stream: the same for a training stream with snapshot_every=1000 (no snapshot due for seconds);
- big_bodies: 8 concurrent requests announcing 100 MB bodies: statuses, and the server's resident memory
  before and after (MB);
- unread_streams: 12 training streams (3 cells, T = 500, a snapshot every step) opened and never read:
  resident memory over the baseline after 1, 3 and 5 s;
- half_open: at a file limit of 256, 300 connections that never finish their headers, then /api/health:
  statuses and latencies.
Resident memory and the server's CPU time are read from /proc (Linux); elsewhere those figures are null.
"""

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from app.bench import progress
from app.bench.api_latency import percentile, serve_process

LONG_TRAIN = "cells=rnn&cells=lstm&T=100&steps=5000&seconds=60&test_size=16&snapshot_every=1000"


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB, from /proc (Linux); None elsewhere."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used, from /proc (Linux); None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, AttributeError, ValueError):
        return None


def computing(base: str) -> int:
    return httpx.get(f"{base}/api/health", timeout=30).json()["computing"]


def seconds_until_idle(base: str, since: float, limit: float = 30.0) -> float | None:
    while time.monotonic() - since < limit:
        if computing(base) == 0:
            return round(time.monotonic() - since, 2)
        time.sleep(0.02)
    return None


# The health prober is a process of its own: timed from a thread beside the 40 flooding ones, a request
# would mostly measure this process's own wait for the interpreter lock.
PROBE = """
import sys, time, httpx
times = []
with httpx.Client(timeout=60) as client:
    while not sys.stdin.readline().startswith("stop"):
        t0 = time.perf_counter()
        client.get(sys.argv[1] + "/api/health")
        times.append(1e3 * (time.perf_counter() - t0))
        print("ok", flush=True)
print(" ".join(f"{t:.1f}" for t in times), flush=True)
"""


def qr_flood(base: str, requests: int, pid: int) -> dict:
    """Each request on a new connection, as a crowd of devices would send them. They share one TLS context,
    unused on http:// but otherwise built by every httpx.get, which loads the CA bundle each time: for the
    whole flood that took far more CPU, on the server's own two cores, than the server itself used."""
    tls = httpx.create_ssl_context()

    def qr(i: int) -> int:
        url = f"http://a/{i}/" + "x" * (1985 - len(str(i)))
        return httpx.get(
            f"{base}/api/classroom/qr.svg", params={"url": url}, timeout=120, verify=tls
        ).status_code

    probe = subprocess.Popen(
        [sys.executable, "-c", PROBE, base], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    server_before, client_before = cpu_seconds(pid), time.process_time()
    with ThreadPoolExecutor(40) as pool:
        flood = [pool.submit(qr, i) for i in range(requests)]
        while not all(f.done() for f in flood):
            probe.stdin.write("go\n")
            probe.stdin.flush()
            probe.stdout.readline()
            time.sleep(0.02)
        statuses = [f.result() for f in flood]
    server_after, client_cpu = cpu_seconds(pid), time.process_time() - client_before
    probe.stdin.write("stop\n")
    probe.stdin.flush()
    health = [float(t) for t in probe.stdout.readline().split()]
    probe.wait()
    return {
        "requests": requests,
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "health_samples": len(health),
        "health_p50_ms": round(statistics.median(health), 1),
        "health_p99_ms": round(percentile(health, 99), 1),
        "health_max_ms": round(max(health), 1),
        "server_cpu_s": None if server_after is None else round(server_after - server_before, 2),
        "client_cpu_s": round(client_cpu, 2),
    }


def dropped_training(base: str, runs: int) -> dict:
    waits = []
    for seed in range(runs):
        with httpx.Client(base_url=base, timeout=1.0) as client, contextlib.suppress(httpx.TimeoutException):
            client.get(f"/api/export/train.csv?{LONG_TRAIN}&seed={seed}")
        waits.append(seconds_until_idle(base, time.monotonic()))
    return {"runs": runs, "seconds_to_idle": waits}


def dropped_stream(base: str, runs: int) -> dict:
    waits = []
    config = {"cells": ["rnn", "lstm"], "T": 100, "steps": 5000, "seconds": 60, "snapshot_every": 1000}
    for seed in range(runs):
        with httpx.Client(base_url=base, timeout=30) as client:
            with client.stream("POST", "/api/train/stream", json={**config, "seed": seed}) as response:
                next(response.iter_lines())
                time.sleep(0.5)
            closed = time.monotonic()
        waits.append(seconds_until_idle(base, closed))
    return {"runs": runs, "seconds_to_idle": waits}


def big_bodies(base: str, pid: int) -> dict:
    port = int(base.rsplit(":", 1)[1])
    before = rss_mb(pid)

    def send() -> str:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            head = (
                "POST /api/trace HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {100 * 2**20}\r\n\r\n"
            )
            with contextlib.suppress(OSError):
                s.sendall(head.encode() + b"[" * (8 * 2**20))
            return s.recv(12).decode()[9:12]

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: send(), range(8)))
    return {"statuses": statuses, "rss_before_mb": before, "rss_after_mb": rss_mb(pid)}


def unread_streams(base: str, pid: int) -> dict:
    port = int(base.rsplit(":", 1)[1])
    body = (
        b'{"cells": ["rnn", "lstm", "gru"], "T": 500, "H": 8, "batch": 4, "test_size": 4, '
        b'"steps": 5000, "snapshot_every": 1, "seconds": 20}'
    )
    before = rss_mb(pid)
    sockets = []
    grown = {}
    try:
        for _ in range(12):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            head = (
                "POST /api/train/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            s.sendall(head.encode() + body)
            sockets.append(s)
        started = time.monotonic()
        for at in (1, 3, 5):
            time.sleep(max(0.0, started + at - time.monotonic()))
            now = rss_mb(pid)
            grown[f"{at}s"] = None if now is None or before is None else round(now - before, 1)
    finally:
        for s in sockets:
            s.close()
    return {"streams": 12, "rss_before_mb": before, "rss_over_baseline_mb": grown}


def half_open(base: str) -> dict:
    port = int(base.rsplit(":", 1)[1])
    held = []
    try:
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            held.append(s)
        answers, times = [], []
        for _ in range(10):
            t0 = time.perf_counter()
            try:
                answers.append(httpx.get(f"{base}/api/health", timeout=10).status_code)
            except httpx.TransportError:
                answers.append(None)
            times.append(round(1e3 * (time.perf_counter() - t0), 1))
    finally:
        for s in held:
            s.close()
    return {"half_open": 300, "file_limit": 256, "health_statuses": answers, "health_ms": times}


def run(quick: bool = False) -> dict:
    out: dict = {}
    with serve_process({"GRADFLOW_MAX_CONCURRENT": "4"}) as (base, process):
        progress("hostile: QR flood")
        out["qr_flood"] = qr_flood(base, 80 if quick else 200, process.pid)
        progress("hostile: dropped trainings")
        out["dropped_training"] = dropped_training(base, 2 if quick else 4)
        out["dropped_stream"] = dropped_stream(base, 2 if quick else 4)
        progress("hostile: 100 MB bodies")
        out["big_bodies"] = big_bodies(base, process.pid)
    with serve_process({"GRADFLOW_MAX_CONCURRENT": "12"}) as (base, process):
        progress("hostile: unread streams")
        out["unread_streams"] = unread_streams(base, process.pid)
    if os.name == "posix":
        with serve_process({"GRADFLOW_HEADER_TIMEOUT": "30"}, files=256) as (base, _):
            progress("hostile: half-open connections")
            out["half_open"] = half_open(base)
    return out
