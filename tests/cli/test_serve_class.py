"""`gradflow serve --class`: the server starts with a live class whose teacher link it prints, and refuses
more than one worker process."""

import os
import re
import subprocess
import sys
import time

import httpx

from app.bench.api_latency import free_port
from app.cli import main

TEACHER = re.compile(
    r"Teacher \(this laptop only\): (http://127\.0\.0\.1:\d+/)\?class=([\w-]+)#teach=([\w-]+)"
)


def test_a_class_with_several_workers_is_refused_in_one_line(capsys):
    assert main(["serve", "--class", "--workers", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["gradflow: a live class needs a single worker process; start with --workers 1"]


def test_serve_class_starts_a_session_the_printed_teacher_link_steers():
    port = free_port()
    command = [sys.executable, "-m", "app", "serve", "--class", "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        lines = [process.stdout.readline() for _ in range(2)]
        found = TEACHER.search(lines[0])
        assert found, lines
        base, session_id, secret = found.groups()
        assert base == f"http://127.0.0.1:{port}/"
        assert lines[1].startswith("Students cannot reach a server bound to 127.0.0.1")
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        view = {"view": {"query": "preset=bptt", "scene": "bptt"}}
        steered = httpx.put(f"{base}api/class/{session_id}/view", json=view, headers={"X-Class-Key": secret})
        assert steered.status_code == 200 and steered.json() == {"seq": 1}
        assert httpx.put(f"{base}api/class/{session_id}/view", json=view).status_code == 403
        assert httpx.get(f"{base}api/class/{session_id}").json()["view"] == view["view"]
    finally:
        process.terminate()
        process.wait(timeout=30)
