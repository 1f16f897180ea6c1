"""Work budget, memory limit, the per-process concurrency limit and its 503."""

import asyncio

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from app.web.infrastructure.limits import (
    Busy,
    ComputeLimiter,
    WorkBudgetExceeded,
    analysis_work,
    check_budget,
    check_memory,
    pass_work,
)


def test_pass_work_counts_matrices_and_step_overhead():
    base = pass_work(["rnn"], B=2, T=10, H=4, D=1)
    # LSTM: four matrices per step; the per-step overhead is the same
    assert pass_work(["lstm"], B=2, T=10, H=4, D=1) - base == pytest.approx(3 * 10 * 3 * (2 * 4 * 5))
    assert pass_work(["rnn"], B=2, T=20, H=4, D=1) == pytest.approx(2 * base)


def test_analysis_work_grows_with_the_square_of_T():
    small = analysis_work(["rnn"], B=1, T=100, H=32, D=1, K=1)
    large = analysis_work(["rnn"], B=1, T=200, H=32, D=1, K=1)
    assert 2 < large / small < 4


def test_budget_message_names_fields_and_limit():
    with pytest.raises(WorkBudgetExceeded) as info:
        check_budget(5e9, 4e9, {"T": 500, "H": 256}, "B·T·H²")
    message = info.value.message
    assert "T = 500" in message and "H = 256" in message and "4e+09" in message and "Lower T or H" in message
    check_budget(3e9, 4e9, {"T": 1}, "x")  # within budget: no error


def test_memory_limit_message():
    with pytest.raises(
        WorkBudgetExceeded, match=r"about 512 MB \(Jacobians; here T = 500\) and the limit is 256 MB"
    ):
        check_memory(512 * 2**20, {"T": 500}, "Jacobians")


def test_limiter_refuses_beyond_its_slots_and_frees_them():
    async def scenario():
        limiter = ComputeLimiter(max_concurrent=2)
        gate = asyncio.Event()

        async def hold():
            async with limiter.slot():
                await gate.wait()

        holders = [asyncio.ensure_future(hold()) for _ in range(2)]
        await asyncio.sleep(0)
        with pytest.raises(Busy):
            async with limiter.slot():
                pass
        gate.set()
        await asyncio.gather(*holders)
        return limiter.active, await limiter.run(sum, [1, 2, 3])

    assert asyncio.run(scenario()) == (0, 6)


def test_saturated_server_answers_503_with_retry_after_and_still_serves_cached_results():
    app = create_app(Settings(max_concurrent=1))
    with TestClient(app) as client:
        cached = {"cells": ["rnn"], "T": 10, "H": 4, "batch": 2}
        assert client.post("/api/trace", json=cached).status_code == 200
        app.state.limiter.acquire()  # the one slot is now taken, as by a long computation
        try:
            busy = client.post("/api/trace", json={**cached, "seed": 1})
            stream = client.post("/api/train/stream", json={"cells": ["rnn"], "T": 5, "H": 2, "steps": 2})
            hit = client.post("/api/trace", json=cached)
        finally:
            app.state.limiter.release()
        assert busy.status_code == 503 and stream.status_code == 503
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["message"] == "The server is busy; retry in 1 s."
        assert hit.status_code == 200 and hit.headers["x-cache"] == "hit"
        assert client.post("/api/trace", json={**cached, "seed": 1}).status_code == 200
