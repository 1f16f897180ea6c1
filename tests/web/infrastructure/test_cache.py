"""The result cache: LRU bound, canonical keys, one computation for concurrent identical requests."""

import asyncio

import pytest

from app.web.infrastructure.cache import ResultCache, canonical_key
from app.web.schemas import TraceConfig


def test_lru_evicts_the_least_recently_used():
    cache = ResultCache(max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_zero_entries_caches_nothing():
    cache = ResultCache(max_entries=0)
    cache.put("a", 1)
    assert cache.get("a") is None


def test_canonical_key_ignores_field_order_and_defaults():
    a = canonical_key("trace", TraceConfig(T=20, H=8))
    b = canonical_key("trace", TraceConfig(H=8, T=20, seed=0))
    c = canonical_key("trace", TraceConfig(H=8, T=21))
    assert a == b != c
    assert canonical_key("trace", {"x": 1, "y": 2}) == canonical_key("trace", {"y": 2, "x": 1})


def test_canonical_config_resolves_task_defaults_and_drops_foreign_parameters():
    # adding has T (default 50) and no V: T=None and T=50 are the same run, V is ignored
    assert TraceConfig(task="adding").canonical() == TraceConfig(task="adding", T=50, V=7).canonical()


def test_concurrent_identical_requests_compute_once():
    async def scenario():
        cache = ResultCache()
        calls = 0

        async def compute():
            nonlocal calls
            calls += 1
            await asyncio.sleep(0.01)
            return "result"

        results = await asyncio.gather(*(cache.get_or_compute("k", compute) for _ in range(40)))
        again = await cache.get_or_compute("k", compute)
        return calls, results, again, cache

    calls, results, again, cache = asyncio.run(scenario())
    assert calls == 1
    assert [value for value, _ in results] == ["result"] * 40
    assert again == ("result", True)
    assert cache.misses == 1 and cache.hits == 1


def test_failures_reach_every_waiter_and_are_not_cached():
    async def scenario():
        cache = ResultCache()

        async def boom():
            await asyncio.sleep(0.01)
            raise RuntimeError("nope")

        outcomes = await asyncio.gather(
            *(cache.get_or_compute("k", boom) for _ in range(3)), return_exceptions=True
        )
        return outcomes, cache

    outcomes, cache = asyncio.run(scenario())
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert cache.get("k") is None
    with pytest.raises(RuntimeError):
        asyncio.run(cache.get_or_compute("k", _raise))


async def _raise():
    raise RuntimeError("again")


class Sized:
    def __init__(self, nbytes):
        self.nbytes = nbytes


def test_byte_bound_evicts_until_the_results_fit():
    cache = ResultCache(max_entries=10, max_bytes=100)
    cache.put("a", Sized(40))
    cache.put("b", Sized(40))
    cache.put("c", Sized(40))  # 120 > 100: the oldest goes
    assert cache.get("a") is None and cache.bytes == 80
    cache.put("huge", Sized(101))  # larger than the whole cache: not kept, nothing evicted for it
    assert cache.get("huge") is None and cache.get("b") is not None
    cache.put("b", Sized(10))  # replacing an entry replaces its size
    assert cache.bytes == 50


def test_stop_is_set_when_the_last_waiter_leaves_and_nothing_is_cached():
    import threading

    cache = ResultCache()
    stop = threading.Event()

    async def compute():
        while not stop.is_set():
            await asyncio.sleep(0.01)
        return "partial"

    async def scenario():
        waiters = [asyncio.ensure_future(cache.get_or_compute("k", compute, stop)) for _ in range(2)]
        await asyncio.sleep(0.05)
        waiters[0].cancel()
        await asyncio.sleep(0.05)
        assert not stop.is_set()  # one request still waits
        waiters[1].cancel()
        await asyncio.sleep(0.05)
        assert stop.is_set()
        await asyncio.sleep(0.05)

    asyncio.run(scenario())
    assert cache.get("k") is None and not cache._inflight
