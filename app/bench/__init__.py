"""Benchmarks behind `gradflow bench`. They print figures; no test asserts a time.

Each section is one module here with `run(quick: bool) -> dict` returning JSON-ready data (progress goes to
stderr through `progress`). To add a section, write app/bench/<name>.py and add "<name>" to SECTIONS.
"""

import statistics
import sys
import time
from collections.abc import Callable

SECTIONS = [
    "core_speed",
    "train_speed",
    "lesson_training",
    "analysis_speed",
    "page_speed",
    "api_latency",
    "hostile",
    "live_class",
]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median_ms(
    fns: dict[str, Callable[[], object]], repeats: int, budget_s: float = 30.0, warmup: int = 1
) -> dict[str, float]:
    """Median wall time in milliseconds of each fn() over up to `repeats` rounds, after `warmup` untimed
    calls. Each round calls every fn once, so a slow spell on a shared machine hits all of them alike.
    At least 3 rounds; no new round starts once `budget_s` seconds are spent."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    start, rounds = time.perf_counter(), 0
    while rounds < repeats and (rounds < 3 or time.perf_counter() - start < budget_s):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
        rounds += 1
    return {name: 1e3 * statistics.median(ts) for name, ts in times.items()}
