"""Trained networks for traces (app/web/payloads/trained.py): one training per configuration however many requests
need it, and it stops when, and only when, every request waiting for it has left."""

import asyncio
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from app.core.train import Stopped, fit
from app.main import create_app
from app.settings import Settings
from app.web.payloads import trained
from app.web.payloads.train_run import core_config
from app.web.schemas import TraceConfig

CONFIG = TraceConfig(cells=["rnn", "lstm"], T=20, H=8, trained_steps=400)


class Counted:
    """trained.fit, counting the updates it does (fit asks should_stop before every update)."""

    def __init__(self):
        self.calls = 0
        self.updates = 0

    def fit(self, config, should_stop=None):
        self.calls += 1

        def counted() -> bool:
            stop = should_stop()
            if not stop:
                self.updates += 1
            return stop

        return fit(config, should_stop=counted)


@pytest.fixture
def counted(monkeypatch):
    """A fresh store of trained networks and a counting fit."""
    monkeypatch.setattr(trained, "_kept", OrderedDict())
    monkeypatch.setattr(trained, "_running", {})
    counting = Counted()
    monkeypatch.setattr(trained, "fit", counting.fit)
    return counting


def reference(config: TraceConfig) -> dict:
    models = fit(core_config(trained.training_config(config)))
    return {kind: model.params for kind, model in models.items()}


def assert_same(params: dict, expected: dict) -> None:
    assert params.keys() == expected.keys()
    for kind in expected:
        assert params[kind].keys() == expected[kind].keys()
        for name in expected[kind]:
            np.testing.assert_array_equal(params[kind][name], expected[kind][name])


def wait_until(predicate, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


class Waiter:
    """A caller's should_stop that records that it has been asked (so the caller is known to wait)."""

    def __init__(self):
        self.leave = threading.Event()
        self.asked = threading.Event()

    def __call__(self) -> bool:
        self.asked.set()
        return self.leave.is_set()


def test_two_callers_share_one_training_and_get_their_own_copies(counted):
    with ThreadPoolExecutor(2) as pool:
        first, second = (
            pool.submit(trained.trained_params, CONFIG),
            pool.submit(trained.trained_params, CONFIG),
        )
        a, b = first.result(), second.result()
    assert counted.calls == 1 and counted.updates == CONFIG.trained_steps
    expected = reference(CONFIG)
    assert_same(a, expected)
    assert_same(b, expected)
    a["rnn"]["W_hh"][0, 0] += 1.0  # the gradient check perturbs its copy in place
    assert_same(trained.trained_params(CONFIG), expected)
    assert counted.calls == 1


@pytest.mark.parametrize("leaving", ["first", "second"])
def test_a_training_goes_on_while_another_caller_still_waits(counted, leaving):
    """Whether the caller that runs the training leaves or the one that waits for it, the other gets the
    whole training, the same networks as an uninterrupted run."""
    first, second = Waiter(), Waiter()
    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(trained.trained_params, CONFIG, first)
        wait_until(lambda: counted.updates > 0)
        b = pool.submit(trained.trained_params, CONFIG, second)
        wait_until(second.asked.is_set)  # the second caller waits for the same training
        at_leaving = counted.updates
        (first if leaving == "first" else second).leave.set()
        gone, stays = (a, b) if leaving == "first" else (b, a)
        with pytest.raises(Stopped):
            gone.result()
        result = stays.result()
    assert at_leaving < CONFIG.trained_steps  # the leaving happened during the training
    assert counted.calls == 1 and counted.updates == CONFIG.trained_steps
    assert_same(result, reference(CONFIG))


def test_a_training_stops_when_every_caller_has_left_and_is_not_kept(counted):
    first, second = Waiter(), Waiter()
    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(trained.trained_params, CONFIG, first)
        wait_until(lambda: counted.updates > 0)
        b = pool.submit(trained.trained_params, CONFIG, second)
        wait_until(second.asked.is_set)
        first.leave.set()
        second.leave.set()
        at_leaving = counted.updates
        for future in (a, b):
            with pytest.raises(Stopped):
                future.result()
    assert counted.updates - at_leaving <= 1  # at most the update under way when the last one left
    assert counted.updates < CONFIG.trained_steps
    assert not trained._kept and not trained._running
    # a later request trains afresh, from the first update, to the same networks
    assert_same(trained.trained_params(CONFIG), reference(CONFIG))
    assert counted.calls == 2


def http_get(path: str, query: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }


@pytest.mark.parametrize("path", ["/api/trace", "/api/gradcheck"])
def test_the_training_of_a_request_stops_when_its_client_leaves(counted, path):
    """Drive the ASGI app directly: the client leaves once the training has begun; the training stops
    (counted in updates, not seconds), the computation slot is given back and nothing is cached."""
    app = create_app(Settings(max_concurrent=2))
    query = "cells=lstm&T=20&H=16&trained_steps=3000"  # within the work budget of a training run

    async def scenario() -> int:
        gone = asyncio.Event()
        sent = []

        async def receive():
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        async def leave():
            while counted.updates < 5 and not sent:  # an answer (a refusal) would end the scenario
                await asyncio.sleep(0.005)
            gone.set()
            return counted.updates

        leaving = asyncio.ensure_future(leave())
        await asyncio.wait_for(app(http_get(path, query), receive, send), timeout=120)
        at_leaving = await leaving
        for _ in range(1200):  # the slot is given back once the training thread has stopped
            if app.state.limiter.active == 0:
                break
            await asyncio.sleep(0.05)
        assert not sent, sent[:1]  # nothing was answered: the client had left
        return at_leaving

    at_leaving = asyncio.run(scenario())
    assert app.state.limiter.active == 0
    # the cancellation reaches the training within a few updates of the disconnect; all 3000 were asked
    assert counted.updates - at_leaving < 100
    assert len(app.state.cache) == 0
    assert not trained._kept and not trained._running
