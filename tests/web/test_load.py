"""A classroom at once: 50 concurrent clients × 20 requests on a preset, against a real uvicorn.

Zero errors is asserted; the latencies are printed (speed is a benchmark's business, not a test's; see
app/bench/api_latency.py). The 50 first requests arrive together on an uncached configuration, so this
also exercises the in-flight de-duplication: one computation, fifty answers.
"""

import httpx
import pytest

from app.bench.api_latency import load, serve
from app.web.presets import PRESETS


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
