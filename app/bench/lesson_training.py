"""lesson_training: the lesson's training run (preset lstm-learns, a fixed number of updates) on seeds 0–4:
how long it takes on this machine (the lesson wants at most 10 s on two cores), when the LSTM is solved and
where the RNN ends, and that a run while another process keeps a core busy gives the same numbers, bit for bit.

The run is what the page's Train button starts for that preset, as the server runs it (one BLAS thread),
with its snapshot every 10 updates.
"""

import statistics
import subprocess
import sys
import time

from app.bench import progress
from app.bench.core_speed import blas_threads
from app.core.train import train
from app.web.payloads.presets import DEFAULT_TRAIN_PRESET, train_preset
from app.web.payloads.train_run import core_config

SEEDS = (0, 1, 2, 3, 4)
TARGET_SECONDS = 10.0


def _run(config) -> tuple[float, dict]:
    start = time.perf_counter()
    final = None
    for snap in train(config):
        final = snap
    return time.perf_counter() - start, final


def run(quick: bool) -> dict:
    base = core_config(train_preset())
    seeds = SEEDS[:2] if quick else SEEDS
    rows = []
    with blas_threads(1):
        for seed in seeds:
            seconds, final = _run(base.with_(seed=seed))
            cells = final["cells"]
            rows.append(
                {
                    "seed": seed,
                    "seconds": seconds,
                    "lstm_solved_at": cells["lstm"]["solved_at"],
                    "lstm_test_loss": cells["lstm"]["test_loss"],
                    "rnn_test_loss": cells["rnn"]["test_loss"],
                    "rnn_solved": cells["rnn"]["solved"],
                }
            )
            progress(f"  seed {seed}: {seconds:.1f} s, {rows[-1]}")
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])  # another program on the machine
        try:
            busy_seconds, busy_final = _run(base)
        finally:
            busy.kill()
            busy.wait()
    quiet = next(r for r in rows if r["seed"] == base.seed)
    same = all(
        busy_final["cells"][k]["test_loss"] == v
        for k, v in (("lstm", quiet["lstm_test_loss"]), ("rnn", quiet["rnn_test_loss"]))
    )
    return {
        "preset": DEFAULT_TRAIN_PRESET,
        "steps": base.steps,
        "seeds": rows,
        "median_seconds": statistics.median(r["seconds"] for r in rows),
        "max_seconds": max(r["seconds"] for r in rows),
        "target_seconds": TARGET_SECONDS,
        "lstm_solved_every_seed": all(r["lstm_solved_at"] is not None for r in rows),
        "rnn_unsolved_every_seed": not any(r["rnn_solved"] for r in rows),
        "busy_seconds": busy_seconds,
        "same_numbers_when_busy": same,
    }
