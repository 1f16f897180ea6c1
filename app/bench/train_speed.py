"""train_speed: training steps per second of the lesson's training preset (lstm-learns), per cell kind and for the
preset's kinds side by side, with a snapshot every 10 updates and without (only the first and the last),
and the snapshots' overhead in percent. A snapshot evaluates the held-out set and computes the per-step
curves (‖dL/dh_t‖, weight-gradient terms, gate means), so this is the cost of watching training live.

Two clocks: wall time (what a class waits) and this process's CPU time (what the work costs, much less
disturbed by other processes on a shared machine; it counts every BLAS thread, spinning ones included).
Each round runs every variant once, the two variants of a group back to back. Speeds are medians over
rounds; the overhead compares the least CPU time each variant took over the rounds (as timeit does: the
fastest run is the one least disturbed by everything else on the machine). As in core_speed, everything is
measured with the BLAS threads as configured and, where threadpoolctl can limit them, with one thread.
"""

import contextlib
import statistics
import time

from app.bench import progress
from app.bench.core_speed import blas_threads, thread_settings
from app.core.init import KINDS
from app.core.train import train
from app.web.payloads.presets import DEFAULT_TRAIN_PRESET, PRESETS, train_preset
from app.web.payloads.train_run import core_config

SNAPSHOT_EVERY = 10
TARGET_OVERHEAD_PCT = 20.0


def _measure(config) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole run."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in train(config):
        pass
    return time.perf_counter() - wall, time.process_time() - cpu


def run(quick: bool) -> dict:
    base = core_config(train_preset())
    steps = 100 if quick else 300
    rounds = 3 if quick else 5
    settings = thread_settings()
    by_threads = []
    for threads in settings:
        limit = blas_threads(threads) if threads != settings[0] else contextlib.nullcontext()
        with limit:
            results = _measure_all(base, steps, rounds, threads)
        worst = max(r["snapshot_overhead_pct"] for r in results.values())
        by_threads.append(
            {
                "threads": threads,
                "results": results,
                "worst_overhead_pct": worst,
                "overhead_within_target": worst <= TARGET_OVERHEAD_PCT,
            }
        )
    return {
        "preset": DEFAULT_TRAIN_PRESET,
        "config": PRESETS[DEFAULT_TRAIN_PRESET]["train"],
        "steps": steps,
        "rounds": rounds,
        "target_overhead_pct": TARGET_OVERHEAD_PCT,
        "threads": settings,
        "by_threads": by_threads,
    }


def _measure_all(base, steps: int, rounds: int, threads: int) -> dict:
    groups = {kind: (kind,) for kind in KINDS}
    groups["preset"] = base.cells
    variants = {
        (group, every): base.with_(cells=kinds, steps=steps, snapshot_every=every)
        for group, kinds in groups.items()
        for every in (steps, SNAPSHOT_EVERY)
    }
    times = {key: [] for key in variants}
    for r in range(rounds):
        progress(f"train_speed: BLAS threads {threads}, round {r + 1}/{rounds}")
        for key, config in variants.items():
            times[key].append(_measure(config))

    results = {}
    for group, kinds in groups.items():
        plain, watched = times[(group, steps)], times[(group, SNAPSHOT_EVERY)]
        cpu_ratio = min(w[1] for w in watched) / min(p[1] for p in plain)
        results[group] = {
            "kinds": list(kinds),
            "steps_per_s": round(steps / statistics.median(p[0] for p in plain), 1),
            f"steps_per_s_snapshot_every_{SNAPSHOT_EVERY}": round(
                steps / statistics.median(w[0] for w in watched), 1
            ),
            "cpu_steps_per_s": round(steps / statistics.median(p[1] for p in plain), 1),
            f"cpu_steps_per_s_snapshot_every_{SNAPSHOT_EVERY}": round(
                steps / statistics.median(w[1] for w in watched), 1
            ),
            "snapshot_overhead_pct": round(100.0 * (cpu_ratio - 1.0), 1),
        }
    return results
