"""POST /api/train/stream (Server-Sent Events) and POST /api/train: training the chosen cells side by side.

The stream sends `start` (configuration, task, sizes), one `snapshot` event per snapshot as the training
loop produces it, and a last event named after how it ended: `done`, `stopped` or `failed`.

The loop runs in a worker thread and hands each encoded snapshot to the event loop through a queue of
at most QUEUE_SNAPSHOTS: when the client reads slower than the run computes (or not at all), the thread
waits for room, so an unread stream holds a few snapshots, not the whole run. Framing, keep-alive
comments (every PING_SECONDS, for proxies that close quiet connections) and the disconnect watch are
sse-starlette's; a client that stops reading for SEND_TIMEOUT seconds is treated as gone.

However the response ends (sent, client gone, cancelled by disconnect.py), closing it sets a
threading.Event that the core's loop checks before every update as `should_stop`, so the training ends
within one update whatever `snapshot_every` is, and the computation slot is given back when the thread
has actually finished.

A run that reached its end is cached like a trace, when its snapshots are small enough to keep
(train_run.MAX_RUN_BYTES). Streaming a cached run replays its snapshots at the pace they were first
computed (so a class that presses Train on the same preset sees it learn "live" for the cost of one run),
and POST /api/train answers it at once.
"""

import asyncio
import logging
import threading

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sse_starlette import EventSourceResponse, ServerSentEvent
from sse_starlette.sse import SendTimeoutError
from starlette.types import Receive, Scope, Send

from app.web.infrastructure.cache import canonical_key
from app.web.infrastructure.encode import dumps
from app.web.infrastructure.errors import WEIGHTS_GONE, error_responses
from app.web.infrastructure.limits import ComputeLimiter
from app.web.payloads import weights
from app.web.payloads.train_run import (
    TrainRun,
    check_train_budget,
    check_whole_size,
    keeps_run,
    run_to_end,
    start_payload,
)
from app.web.schemas import TrainBody, TrainConfig

log = logging.getLogger("gradflow.api")
router = APIRouter(prefix="/api", tags=["train"])

STREAM_HEADERS = {"Cache-Control": "no-cache"}
MAX_REPLAY_PAUSE = 5.0  # seconds; a replay never waits longer than this between two snapshots
QUEUE_SNAPSHOTS = 4  # encoded snapshots waiting for a slow client, per stream
PING_SECONDS = 15  # a keep-alive comment when nothing else was sent for this long
SEND_TIMEOUT = 30  # seconds one write may wait for a client that does not read
_WAIT = 0.2  # seconds between the worker's checks of the stop event while the queue is full


def sse(event: str, data: bytes) -> ServerSentEvent:
    """One Server-Sent Event; `data` is one line of JSON (orjson never writes a newline)."""
    return ServerSentEvent(data.decode(), event=event, sep="\n")


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, ValueError):
        return f"Training failed: {exc}"
    return "Training failed; the error has been logged."


class LiveRun:
    """One training run in a worker thread, feeding encoded snapshots to a bounded asyncio queue."""

    def __init__(self, config: TrainConfig, limiter: ComputeLimiter):
        self.config = config
        self.limiter = limiter
        self.stop = threading.Event()
        self.queue: asyncio.Queue = asyncio.Queue()
        self.room = threading.Semaphore(QUEUE_SNAPSHOTS)  # free places in the queue, taken by the worker
        self.thread_done: asyncio.Task | None = None

    def begin(self) -> None:
        """Take a computation slot (Busy → 503 before any byte is sent) and start the thread."""
        self.limiter.acquire()
        self.thread_done = asyncio.ensure_future(self._in_thread())

    async def _in_thread(self) -> None:
        loop = asyncio.get_running_loop()

        def push(item) -> None:
            loop.call_soon_threadsafe(self.queue.put_nowait, item)

        def push_snapshot(body: bytes) -> None:
            while not self.room.acquire(timeout=_WAIT):
                if self.stop.is_set():
                    return  # nobody reads any more; the loop ends at its next check
            push(("snapshot", body))

        def work() -> None:
            try:
                run = run_to_end(self.config, self.stop.is_set, push_snapshot, keep=keeps_run(self.config))
            except Exception as exc:  # reported to the client as a `failed` event, logged in full here
                log.exception("training failed for %s", self.config.model_dump_json())
                push(("failed", _failure_message(exc)))
            else:
                push(("end", run))

        try:
            await self.limiter.in_thread(work)
        finally:
            self.limiter.release()

    async def events(self, on_complete):
        yield sse("start", dumps(start_payload(self.config)))
        while True:
            kind, item = await self.queue.get()
            if kind == "snapshot":
                self.room.release()
                yield sse("snapshot", item)
            elif kind == "end":
                if item.complete and item.kept:
                    on_complete(item)
                yield sse(item.status, dumps(item.end_payload()))
                return
            else:
                yield sse("failed", dumps({"status": "failed", "reason": "failed", "message": item}))
                return

    def close(self) -> None:
        self.stop.set()


class _ClosingStream(EventSourceResponse):
    """An event stream that runs `on_close` however the response ends (sent, disconnected, cancelled,
    or a client that stopped reading)."""

    def __init__(self, content, on_close=None, **kwargs):
        super().__init__(content, ping=PING_SECONDS, send_timeout=SEND_TIMEOUT, sep="\n", **kwargs)
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except SendTimeoutError:
            log.info("event stream closed: the client stopped reading")
        finally:
            if self._on_close is not None:
                self._on_close()


async def replay(run: TrainRun):
    """A cached run's events at the pace the snapshots were first produced."""
    loop = asyncio.get_running_loop()
    yield sse("start", dumps(run.start))
    began = loop.time()
    for payload, body in zip(run.snapshots, run.encoded, strict=True):
        wait = (payload["elapsed"] or 0.0) - (loop.time() - began)
        if wait > 0:
            await asyncio.sleep(min(wait, MAX_REPLAY_PAUSE))
        yield sse("snapshot", body)
    yield sse(run.status, dumps(run.end_payload() | {"replayed": True}))


def _key(config: TrainConfig) -> str:
    return canonical_key("train", config.canonical())


@router.post(
    "/train/stream",
    summary="Train and stream snapshots as Server-Sent Events",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "start, snapshot…, then done | stopped | failed (docs/api.md).",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    }
    | error_responses(*WEIGHTS_GONE, 413, 422, 503),
)
async def train_stream(request: Request, config: TrainBody) -> Response:
    state = request.app.state
    config = weights.resolve(config)  # an upload's kind and H, for the budget and the cache key
    check_train_budget(config, state.settings.work_budget)
    key = _key(config)
    cached = state.cache.get(key)
    if cached is not None:
        return _ClosingStream(replay(cached), headers=STREAM_HEADERS | {"X-Cache": "hit"})
    live = LiveRun(config, state.limiter)
    live.begin()
    return _ClosingStream(
        live.events(lambda run: state.cache.put(key, run)),
        on_close=live.close,
        headers=STREAM_HEADERS | {"X-Cache": "miss"},
    )


def _whole_run(config: TrainConfig, should_stop) -> TrainRun:
    run = run_to_end(config, should_stop)
    if run.complete:
        run.encoded_whole().gzipped  # noqa: B018  encoded and compressed in the worker thread
    return run


WHOLE_RESPONSES = {
    200: {
        "description": "{config, task, sizes, status, reason, snapshots: [...]} (docs/api.md).",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
} | error_responses(*WEIGHTS_GONE, 413, 422, 503)


@router.post(
    "/train",
    summary="Train and answer with every snapshot at the end",
    response_class=Response,
    responses=WHOLE_RESPONSES,
)
async def train_whole(request: Request, config: TrainBody) -> Response:
    run, hit = await cached_run(request, config)
    return run.encoded_whole().response(
        request.headers.get("accept-encoding", ""), {"X-Cache": "hit" if hit else "miss"}
    )


async def cached_run(request: Request, config: TrainConfig) -> tuple[TrainRun, bool]:
    """(finished run, cache hit) for a configuration: budget and answer size checked, computed at most
    once. When every request waiting for it has gone, the run is stopped (cache.py, disconnect.py)."""
    state = request.app.state
    config = weights.resolve(config)  # an upload's kind and H, for the budget and the cache key
    check_train_budget(config, state.settings.work_budget)
    check_whole_size(config)
    stop = threading.Event()
    return await state.cache.get_or_compute(
        _key(config), lambda: state.limiter.run(_whole_run, config, stop.is_set), stop
    )
