"""A classroom at once: 50 concurrent clients × 20 requests on a preset, against a real uvicorn.

Zero errors is asserted; the latencies are printed (speed is a benchmark's business, not a test's; see
app/bench/api_latency.py). The 50 first requests arrive together on an uncached configuration, so this
also exercises the in-flight de-duplication: one computation, fifty answers.
"""

import time

import httpx
import pytest

from app.bench.api_latency import load, serve
from app.web.payloads.presets import PRESETS


@pytest.mark.slow
def test_fifty_clients_twenty_requests_each_on_a_preset_without_errors():
    with serve() as base:
        result = load(base, PRESETS["vanishing"]["trace"], clients=50, requests_each=20)
        stream = httpx.post(
            f"{base}/api/train/stream", json={"cells": ["rnn"], "T": 5, "H": 2, "steps": 3}, timeout=60
        )
    print(
        f"\nload: {result['n']} requests, {result['errors']} errors, p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms, {result['throughput_rps']} requests/s"
    )
    assert result["n"] == 1000
    assert result["errors"] == 0, result["error_kinds"]
    assert stream.status_code == 200 and stream.text.rstrip().split("\n")[-2] == "event: done"


@pytest.mark.slow
def test_closing_a_stream_stops_training_on_real_uvicorn():
    """With one computation slot, a second stream is refused while a 5000-step run streams, and accepted
    shortly after the first client hangs up, because the hang-up stopped the run and freed the slot."""
    body = {"cells": ["rnn"], "T": 4, "H": 2, "batch": 2, "steps": 5000, "snapshot_every": 1, "test_size": 2}
    with serve({"GRADFLOW_MAX_CONCURRENT": "1"}) as base, httpx.Client(base_url=base, timeout=60) as client:
        with client.stream("POST", "/api/train/stream", json=body) as first:
            seen = 0
            for line in first.iter_lines():
                seen += line.startswith("event: snapshot")
                if seen == 3:
                    refused = client.post("/api/train/stream", json={**body, "steps": 2, "seed": 1})
                    break
        assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
        for _ in range(100):  # polls for at most ~25 s; stopping takes one update
            after = client.post("/api/train/stream", json={**body, "steps": 2, "seed": 2})
            if after.status_code != 503:
                break
            time.sleep(0.25)
        assert after.status_code == 200 and "event: done" in after.text
