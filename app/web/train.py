"""POST /api/train/stream (Server-Sent Events) and POST /api/train: training the chosen cells side by side.

The stream sends `start` (configuration, task, sizes), one `snapshot` event per snapshot as the training
loop produces it, and a last event named after how it ended: `done`, `stopped` or `failed`.

The loop runs in a worker thread and hands each encoded snapshot to the event loop through a queue, so the
event loop never waits on NumPy. Between snapshots the stream checks whether the client is still there;
when it has gone (or the response ends in any other way) a threading.Event that the loop polls as
`should_stop` ends the training after the update in progress, and the computation slot is given back
when the thread has actually finished.

A run that reached its end is cached like a trace. Streaming a cached run replays its snapshots at the
pace they were first computed (so a class that presses Train on the same preset sees it learn "live"
for the cost of one run), and POST /api/train answers it at once.
"""

import asyncio
import logging
import threading

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from app.web import weights
from app.web.cache import canonical_key
from app.web.encode import dumps
from app.web.limits import ComputeLimiter
from app.web.schemas import TrainConfig
from app.web.train_run import TrainRun, check_train_budget, run_to_end, start_payload

log = logging.getLogger("gradflow.api")
router = APIRouter(prefix="/api", tags=["train"])

STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
MAX_REPLAY_PAUSE = 5.0  # seconds; a replay never waits longer than this between two snapshots


def sse(event: str, data: bytes) -> bytes:
    """One Server-Sent Event; `data` is one line of JSON (orjson never writes a newline)."""
    return b"event: " + event.encode() + b"\ndata: " + data + b"\n\n"


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, ValueError):
        return f"Training failed: {exc}"
    return "Training failed; the error has been logged."


class LiveRun:
    """One training run in a worker thread, feeding encoded snapshots to an asyncio queue."""

    def __init__(self, config: TrainConfig, limiter: ComputeLimiter):
        self.config = config
        self.limiter = limiter
        self.stop = threading.Event()
        self.queue: asyncio.Queue = asyncio.Queue()
        self.thread_done: asyncio.Task | None = None

    def begin(self) -> None:
        """Take a computation slot (Busy → 503 before any byte is sent) and start the thread."""
        self.limiter.acquire()
        self.thread_done = asyncio.ensure_future(self._in_thread())

    async def _in_thread(self) -> None:
        loop = asyncio.get_running_loop()

        def push(item) -> None:
            loop.call_soon_threadsafe(self.queue.put_nowait, item)

        def work() -> None:
            try:
                run = run_to_end(self.config, self.stop.is_set, lambda body: push(("snapshot", body)))
            except Exception as exc:  # reported to the client as a `failed` event, logged in full here
                log.exception("training failed for %s", self.config.model_dump_json())
                push(("failed", _failure_message(exc)))
            else:
                push(("end", run))

        try:
            await self.limiter.in_thread(work)
        finally:
            self.limiter.release()

    async def events(self, request: Request, on_complete):
        yield sse("start", dumps(start_payload(self.config)))
        while True:
            kind, item = await self.queue.get()
            if kind == "snapshot":
                yield sse("snapshot", item)
                if await request.is_disconnected():
                    self.stop.set()
                    return
            elif kind == "end":
                if item.complete:
                    on_complete(item)
                yield sse(item.status, dumps(item.end_payload()))
                return
            else:
                yield sse("failed", dumps({"status": "failed", "reason": "failed", "message": item}))
                return

    def close(self) -> None:
        self.stop.set()


class _ClosingStream(StreamingResponse):
    """A StreamingResponse that runs `on_close` however the response ends (sent, disconnected, cancelled)."""

    def __init__(self, content, on_close, **kwargs):
        super().__init__(content, **kwargs)
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._on_close()


async def replay(request: Request, run: TrainRun):
    """A cached run's events at the pace the snapshots were first produced."""
    loop = asyncio.get_running_loop()
    yield sse("start", dumps(run.start))
    began = loop.time()
    for payload, body in zip(run.snapshots, run.encoded, strict=True):
        wait = (payload["elapsed"] or 0.0) - (loop.time() - began)
        if wait > 0:
            await asyncio.sleep(min(wait, MAX_REPLAY_PAUSE))
        yield sse("snapshot", body)
        if await request.is_disconnected():
            return
    yield sse(run.status, dumps(run.end_payload() | {"replayed": True}))


def _key(config: TrainConfig) -> str:
    return canonical_key("train", config.canonical())


@router.post(
    "/train/stream",
    summary="Train and stream snapshots as Server-Sent Events",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "text/event-stream: start, snapshot…, then done | stopped | failed (docs/api.md)."
        },
        422: {"description": "A field out of bounds or unknown, or too much work."},
        503: {"description": "Busy: retry after the number of seconds in Retry-After."},
    },
)
async def train_stream(request: Request, config: TrainConfig) -> Response:
    state = request.app.state
    config = weights.resolve(config)  # an upload's kind and H, for the budget and the cache key
    check_train_budget(config, state.settings.work_budget)
    key = _key(config)
    cached = state.cache.get(key)
    if cached is not None:
        headers = STREAM_HEADERS | {"X-Cache": "hit"}
        return StreamingResponse(replay(request, cached), media_type="text/event-stream", headers=headers)
    live = LiveRun(config, state.limiter)
    live.begin()
    return _ClosingStream(
        live.events(request, lambda run: state.cache.put(key, run)),
        on_close=live.close,
        media_type="text/event-stream",
        headers=STREAM_HEADERS | {"X-Cache": "miss"},
    )


def _whole_run(config: TrainConfig) -> TrainRun:
    run = run_to_end(config)
    run.encoded_whole().gzipped  # noqa: B018  encoded and compressed in the worker thread
    return run


@router.post(
    "/train",
    summary="Train and answer with every snapshot at the end",
    responses={
        200: {"description": "{config, task, sizes, status, reason, snapshots: [...]} (docs/api.md)."},
        422: {"description": "A field out of bounds or unknown, or too much work."},
        503: {"description": "Busy: retry after the number of seconds in Retry-After."},
    },
)
async def train_whole(request: Request, config: TrainConfig) -> Response:
    run, hit = await cached_run(request, config)
    return run.encoded_whole().response(
        request.headers.get("accept-encoding", ""), {"X-Cache": "hit" if hit else "miss"}
    )


async def cached_run(request: Request, config: TrainConfig) -> tuple[TrainRun, bool]:
    """(finished run, cache hit) for a configuration: budget checked, computed at most once."""
    state = request.app.state
    config = weights.resolve(config)  # an upload's kind and H, for the budget and the cache key
    check_train_budget(config, state.settings.work_budget)
    return await state.cache.get_or_compute(_key(config), lambda: state.limiter.run(_whole_run, config))
