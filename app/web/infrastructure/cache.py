"""Results computed once per configuration: a bounded LRU plus de-duplication of work in flight.

Every run is deterministic by its seed, so the canonical JSON of a validated configuration (all fields,
defaults filled in, keys sorted) identifies its result exactly. Forty students opening the same preset at
the same moment cost one computation: the first request starts it, the other thirty-nine await the same
task, and later ones find it in the LRU.

Bounded twice: at most `max_entries` results and at most `max_bytes` of them (a result reports its size
as `nbytes`; the large traces a slider pushed to the end produces are a megabyte or more each).

The cache lives in one process. With several uvicorn workers each keeps its own (settings.workers), so a
configuration is computed at most once per worker. All access happens on the event loop, so no lock is
needed; the computation itself runs wherever the caller's coroutine sends it (a thread pool, see limits).

A computation may come with a stop event (a whole training run does): it counts who is waiting for it,
and when the last of them is cancelled (their clients left, see disconnect.py) the event is set, the
computation ends early, and its partial result is neither cached nor handed to anyone who asks later.
"""

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from pydantic import BaseModel


def canonical_key(area: str, config: BaseModel | dict) -> str:
    """`area` plus the configuration as JSON with sorted keys: equal configurations, equal keys."""
    data = config.model_dump(mode="json") if isinstance(config, BaseModel) else config
    return area + ":" + orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


MAX_BYTES = 256 * 2**20


def size_of(value: Any) -> int:
    return int(getattr(value, "nbytes", 0))


class ResultCache:
    """Least-recently-used map from canonical keys to results: at most `max_entries` of them, and at most
    `max_bytes` in all."""

    def __init__(self, max_entries: int = 256, max_bytes: int = MAX_BYTES):
        self.max_entries = max(0, int(max_entries))
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[str, Any] = OrderedDict()
        self._inflight: dict[str, _Inflight] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Any | None:
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        return None

    def put(self, key: str, value: Any) -> None:
        if self.max_entries == 0 or size_of(value) > self.max_bytes:
            return
        if key in self._entries:
            self.bytes -= size_of(self._entries.pop(key))
        self._entries[key] = value
        self.bytes += size_of(value)
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self.bytes -= size_of(dropped)

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0

    async def get_or_compute(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        stop: threading.Event | None = None,
    ) -> tuple[Any, bool]:
        """(result, True) from the cache, or (result, False) after computing it, once, for all who ask.

        The computation runs as its own task, so a client that disconnects does not cancel it for the
        others waiting on it; `stop`, when given, is set once nobody waits any more (`compute` is expected
        to watch it). A failure (including "busy") reaches every waiter and is not cached.
        """
        found = self.get(key)
        if found is not None:
            self.hits += 1
            return found, True
        entry = self._inflight.get(key)
        if entry is None:
            self.misses += 1
            entry = _Inflight(asyncio.ensure_future(compute()), stop)
            self._inflight[key] = entry
            entry.task.add_done_callback(lambda done: self._settle(key, entry))
        entry.waiters += 1
        try:
            return await asyncio.shield(entry.task), False
        finally:
            entry.waiters -= 1
            if entry.waiters == 0 and entry.stop is not None and not entry.task.done():
                entry.stop.set()
                if self._inflight.get(key) is entry:
                    del self._inflight[key]  # a later request starts afresh rather than join a stopped run

    def _settle(self, key: str, entry: "_Inflight") -> None:
        if self._inflight.get(key) is entry:
            del self._inflight[key]
        task = entry.task
        stopped = entry.stop is not None and entry.stop.is_set()
        failed = task.cancelled() or task.exception() is not None  # read even when stopped: nobody else will
        if not stopped and not failed:
            self.put(key, task.result())


class _Inflight:
    """A computation in flight, how many requests wait for it, and how to stop it."""

    def __init__(self, task: asyncio.Task, stop: threading.Event | None):
        self.task = task
        self.stop = stop
        self.waiters = 0
