"""api_latency: the JSON API through a real uvicorn on 127.0.0.1, as a browser or a class would use it.

- cold: POST /api/trace with the default configuration ({}), a new seed every time so nothing is cached:
  computing, encoding and gzip; p50 and p99 over the requests;
- cached: the same request again and again (one keep-alive connection), served from the result cache;
- payload: bytes of the default trace, raw and gzipped;
- load: 50 concurrent clients × 20 requests each on the "vanishing" preset's trace (a classroom opening the
  same lesson at once): errors, p50, p99 and throughput.
Targets (docs/api.md): p50 < 50 ms cold, < 5 ms cached, payload < 300 KB, zero errors under load.

The server is a separate process (`python -m uvicorn app.main:create_app --factory`), started and stopped
here (`serve_process`, also what the hostile-client benchmark and the load and browser tests use).
"""

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

from app.bench import progress

TARGETS = {"cold_p50_ms": 50.0, "cached_p50_ms": 5.0, "payload_bytes": 300_000, "load_errors": 0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_process(
    env: dict[str, str] | None = None, files: int | None = None, timeout: float = 60.0
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run the app as `gradflow serve` does (uvicorn with app.web.infrastructure.connections' protocol) on a free port of
    127.0.0.1, with `env` added to the environment and, when `files` is given, that file limit (POSIX only);
    yields (base URL, process) once it answers, stops it on exit. Its error output goes to this process's."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
        "--http", "app.web.infrastructure.connections:GuardedProtocol",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip

    def limit_files() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

    process = subprocess.Popen(
        command, env={**os.environ, **(env or {})}, preexec_fn=limit_files if files else None
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"uvicorn exited with code {process.returncode} (its error output is above)"
                )
            try:
                if httpx.get(f"{base}/api/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not answer within {timeout} s")
            time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serve(env: dict[str, str] | None = None, timeout: float = 60.0) -> Iterator[str]:
    """serve_process, yielding only the base URL."""
    with serve_process(env, timeout=timeout) as (base, _):
        yield base


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: list[float]) -> dict:
    ms = [1e3 * s for s in seconds]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p99_ms": round(percentile(ms, 99), 2)}


def load(base: str, body: dict, clients: int = 50, requests_each: int = 20, path: str = "/api/trace") -> dict:
    """`clients` concurrent clients, each sending `requests_each` requests one after another (gzip
    accepted, its own keep-alive connection). Errors are non-200 answers and transport failures."""

    async def client_loop(latencies: list[float], failures: list[str]) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
            for _ in range(requests_each):
                started = time.perf_counter()
                try:
                    r = await client.post(path, json=body, headers={"accept-encoding": "gzip"})
                    await r.aread()
                    if r.status_code != 200:
                        failures.append(f"HTTP {r.status_code}")
                except httpx.HTTPError as exc:
                    failures.append(type(exc).__name__)
                latencies.append(time.perf_counter() - started)

    async def all_clients() -> tuple[list[float], list[str], float]:
        latencies: list[float] = []
        failures: list[str] = []
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(latencies, failures) for _ in range(clients)))
        return latencies, failures, time.perf_counter() - started

    latencies, failures, wall = asyncio.run(all_clients())
    return {
        "clients": clients,
        "requests_each": requests_each,
        **summary_ms(latencies),
        "errors": len(failures),
        "error_kinds": sorted(set(failures)),
        "wall_s": round(wall, 3),
        "throughput_rps": round(len(latencies) / wall, 1),
    }


def _timed(client: httpx.Client, body: dict) -> float:
    started = time.perf_counter()
    r = client.post("/api/trace", json=body, headers={"accept-encoding": "gzip"})
    r.raise_for_status()
    return time.perf_counter() - started


def run(quick: bool) -> dict:
    from app.web.payloads.presets import PRESETS

    cold_n, cached_n = (10, 100) if quick else (40, 500)
    with serve() as base, httpx.Client(base_url=base, timeout=60.0) as client:
        progress("api_latency: warming up")
        _timed(client, {"seed": 10**6})  # imports, first-call set-up: not part of any figure
        progress(f"api_latency: {cold_n} cold default traces")
        cold = [_timed(client, {"seed": 1000 + i}) for i in range(cold_n)]
        progress(f"api_latency: {cached_n} cached default traces")
        _timed(client, {})
        cached = [_timed(client, {}) for _ in range(cached_n)]
        raw = client.post("/api/trace", json={}, headers={"accept-encoding": "identity"})
        zipped = client.post("/api/trace", json={}, headers={"accept-encoding": "gzip"})
        payload = {"raw_bytes": len(raw.content), "gzip_bytes": zipped.num_bytes_downloaded}
        progress("api_latency: 50 clients × 20 requests on the 'vanishing' preset")
        under_load = load(base, PRESETS["vanishing"]["trace"])
    result = {
        "request": "POST /api/trace {} (default configuration), gzip accepted",
        "cold": summary_ms(cold),
        "cached": summary_ms(cached),
        "payload": payload,
        "load_vanishing_preset": under_load,
        "targets": TARGETS,
    }
    result["meets_targets"] = {
        "cold_p50": result["cold"]["p50_ms"] < TARGETS["cold_p50_ms"],
        "cached_p50": result["cached"]["p50_ms"] < TARGETS["cached_p50_ms"],
        "payload": payload["raw_bytes"] < TARGETS["payload_bytes"],
        "load_errors": under_load["errors"] == TARGETS["load_errors"],
    }
    return result
