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
"""

import asyncio
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
        self._inflight: dict[str, asyncio.Task] = {}
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

    async def get_or_compute(self, key: str, compute: Callable[[], Awaitable[Any]]) -> tuple[Any, bool]:
        """(result, True) from the cache, or (result, False) after computing it, once, for all who ask.

        The computation runs as its own task, so a client that disconnects does not cancel it for the
        others waiting on it. A failure (including "busy") reaches every waiter and is not cached.
        """
        found = self.get(key)
        if found is not None:
            self.hits += 1
            return found, True
        task = self._inflight.get(key)
        if task is None:
            self.misses += 1
            task = asyncio.ensure_future(compute())
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._settle(key, done))
        return await asyncio.shield(task), False

    def _settle(self, key: str, task: asyncio.Task) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled() and task.exception() is None:
            self.put(key, task.result())
