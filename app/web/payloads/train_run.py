"""A training run as the API sends it: the core's snapshots turned into JSON, one encoded event each.

`core_config` maps the request schema onto app.core.train.TrainConfig; `snapshot_payload` lays one
snapshot out as docs/api.md describes (arrays as {"shape", "axes", "meaning", "data"}, rounded, non-finite
as null with the overflow flag); `TrainRun` collects the encoded snapshots of a run so that a finished run
can be cached, replayed as a stream, returned whole, or exported.
"""

from dataclasses import dataclass, field

import numpy as np

from app.core import train as core_train
from app.core.tasks import TASKS
from app.web.infrastructure.encode import EncodedJSON, array, dumps, first_nonfinite_step, number
from app.web.infrastructure.limits import (
    MATRICES,
    WorkBudgetExceeded,
    check_budget,
    check_memory,
    pass_work,
    recorded_floats,
)
from app.web.schemas import TrainConfig

# A training run may do this many times a trace's work (or run for its own `seconds`): it streams its
# progress from the first second and stops as soon as its client leaves, and the lesson's run needs
# several seconds to show the LSTM learning.
TRAIN_BUDGET_FACTOR = 3
# Wall time of one unit of training work, measured on a busy 2-core machine (2–5 ns; the larger is used):
# with the default budget, a run may ask for up to 60 s of its own.
SECONDS_PER_UNIT = 5e-9

# A run that used up the time it asked for (`seconds`) has done what it was asked: "done", like one that
# ran all its steps. Only a run that its client left is "stopped".
STATUS = {"steps": "done", "solved": "done", "seconds": "done", "stopped": "stopped"}


# Largest answer of a whole run (POST /api/train, the training exports), and largest run a stream keeps
# for the cache. A snapshot carries every cell's per-step curves; thousands of them at T = 500 are
# hundreds of megabytes, which the stream can send one at a time instead.
MAX_RUN_BYTES = 16 * 2**20
# Per-step curves of a snapshot, per cell, in units of T: ‖dL/dh_t‖, and the RNN's bound or the LSTM's
# ‖dL/dc_t‖, one weight-gradient term per recurrent matrix, one mean per gate.
CURVES = {"rnn": 3, "lstm": 10, "gru": 7}
GATES = {"rnn": 0, "lstm": 4, "gru": 3}
NUMBER_BYTES = 16  # a rounded number in JSON with its separator, at most (measured: about 11)
CELL_BYTES = 4096  # a cell's scalars, array headers and `meaning` sentences
# Memory a kept snapshot takes per byte of its JSON: the payload as Python lists of floats (≈ 40 bytes
# per number against ≈ 11 in JSON), the encoded event, and the whole answer (JSON and gzip) built from them.
KEPT_PER_BYTE = 5


def snapshot_count(config: TrainConfig) -> int:
    return config.steps // config.snapshot_every + 2


def run_bytes(config: TrainConfig) -> float:
    """Upper bound on the JSON of all a run's snapshots."""
    T = TASKS[config.task].length(**config.task_params())
    per_snapshot = sum(CURVES[kind] * T * NUMBER_BYTES + CELL_BYTES for kind in config.cells)
    return snapshot_count(config) * per_snapshot


def keeps_run(config: TrainConfig) -> bool:
    """Whether a stream keeps its run's snapshots for the cache: only when they fit MAX_RUN_BYTES."""
    return run_bytes(config) <= MAX_RUN_BYTES


def check_whole_size(config: TrainConfig) -> None:
    """422 when a whole run's answer would pass MAX_RUN_BYTES; the message says how to get it anyway."""
    size = run_bytes(config)
    if size <= MAX_RUN_BYTES:
        return
    per_snapshot = size / snapshot_count(config)
    every = config.snapshot_every
    while (config.steps // every + 2) * per_snapshot > MAX_RUN_BYTES and every < config.steps:
        every *= 2
    raise WorkBudgetExceeded(
        f"This run would answer with about {size / 2**20:.0f} MB ({snapshot_count(config)} snapshots of "
        f"every cell's curves over T steps) and a whole run is limited to {MAX_RUN_BYTES / 2**20:.0f} MB. "
        f"Stream it (POST /api/train/stream sends one snapshot at a time), or set snapshot_every to at "
        f"least {every}.",
        size,
        MAX_RUN_BYTES,
    )


def core_config(config: TrainConfig) -> core_train.TrainConfig:
    output, loss, loss_on = config.readout()
    initial = None
    if (
        config.weights
    ):  # fine-tuning an upload (app/web/payloads/weights.py), resolved into cells and H already
        from app.core import torch_import
        from app.web.payloads.weights import imported_for

        imported = imported_for(config)
        K = TASKS[config.task].output_size(**config.task_params())
        model = torch_import.build_model(imported, K, output, config.seed, config.output_scale)
        initial = {imported.kind: model.params}
    return core_train.TrainConfig(
        initial=initial,
        output=output,
        loss=loss,
        loss_on=loss_on,
        task=config.task,
        task_params=config.task_params(),
        cells=tuple(config.cells),
        H=config.H,
        init=config.init_options(),
        optimizer=config.optimizer,
        lr=config.lr,
        momentum=config.momentum,
        batch=config.batch,
        clip=config.clip,
        truncate=config.truncate,
        steps=config.steps,
        seconds=config.seconds,
        snapshot_every=config.snapshot_every,
        test_size=config.test_size,
        seed=config.seed,
        stop_when_solved=config.stop_when_solved,
    )


def train_work(config: TrainConfig) -> float:
    """Updates (a forward and backward pass each) plus, per snapshot, the held-out forward pass and the
    per-step weight-gradient terms (T outer products of H × H per recurrent matrix)."""
    task = TASKS[config.task]
    params = config.task_params()
    T, D = task.length(**params), task.input_size(**params)
    H = config.H
    updates = config.steps * pass_work(config.cells, config.batch, T, H, D)
    snapshots = config.steps // config.snapshot_every + 2
    per_snapshot = pass_work(config.cells, config.test_size, T, H, D) / 3 + sum(
        MATRICES[kind] * T * H * H * config.batch for kind in config.cells
    )
    return updates + snapshots * per_snapshot


def train_memory(config: TrainConfig) -> float:
    """Peak bytes: every cell keeps the recorded pass of its training batch, and a snapshot adds the
    held-out set's pass and the per-step weight-gradient terms (T·H² per matrix) of one cell; the
    snapshots kept for the answer and the cache grow with the run (KEPT_PER_BYTE × their JSON), up to
    MAX_RUN_BYTES of JSON, past which a run keeps none."""
    task = TASKS[config.task]
    params = config.task_params()
    T, D, H = task.length(**params), task.input_size(**params), config.H
    kept = sum(recorded_floats(kind, config.batch, T, H, D) for kind in config.cells)
    snapshot = max(
        recorded_floats(k, config.test_size, T, H, D) + MATRICES[k] * T * H * H for k in config.cells
    )
    accumulated = KEPT_PER_BYTE * run_bytes(config) if keeps_run(config) else 0.0
    return 8.0 * (kept + snapshot) + accumulated


def check_train_budget(config: TrainConfig, budget: float) -> None:
    """422 when the run would need more than the memory limit, or more than TRAIN_BUDGET_FACTOR × the
    work budget. A run with its own time limit `seconds` is charged the smaller of its work and the work
    that many seconds can do (SECONDS_PER_UNIT)."""
    task = TASKS[config.task]
    T = task.length(**config.task_params())
    check_memory(
        train_memory(config),
        {
            "cells": len(config.cells),
            "batch": config.batch,
            "test_size": config.test_size,
            "T": T,
            "H": config.H,
        },
        "every cell keeps its recorded pass, and a snapshot runs the held-out set: examples × T × H",
    )
    work = train_work(config)
    fields = {"cells": len(config.cells), "batch": config.batch, "T": T, "H": config.H, "steps": config.steps}
    if config.seconds is not None:
        work = min(work, config.seconds / SECONDS_PER_UNIT)
        fields["seconds"] = config.seconds
    check_budget(
        work,
        budget * TRAIN_BUDGET_FACTOR,
        fields,
        "cells × batch × T × H² × steps, plus the held-out evaluation at every snapshot, "
        "or what the run's seconds allow",
    )


def _curve(values, meaning: str) -> dict | None:
    if values is None:
        return None
    obj = array(values, meaning, ("t",))
    step = first_nonfinite_step(obj["data"])
    if step is not None:
        obj |= {"overflow": True, "first_nonfinite_step": step}
    return obj


def cell_snapshot(entry: dict) -> dict:
    cell = {
        "kind": entry["kind"],
        "step": entry["step"],
        "train_loss": number(entry["train_loss"]),
        "test_loss": number(entry["test_loss"]),
        "test_accuracy": number(entry["test_accuracy"]),
        "solved": bool(entry["solved"]),
        "solved_at": entry["solved_at"],
        "grad_norm": number(entry["grad_norm"]),
        "clipped": bool(entry["clipped"]),
        "clip_events": int(entry["clip_events"]),
        "skipped": int(entry["skipped"]),
        "finite": bool(entry["finite"]),
        "first_nonfinite_step": entry["first_nonfinite_step"],
        "first_nonfinite_forward": entry["first_nonfinite_forward"],
        "first_nonfinite_backward": entry["first_nonfinite_backward"],
        "elapsed": number(entry["elapsed"]),
        "grad_hidden_norm": _curve(
            entry["grad_hidden_norm"], "batch mean of ‖dL/dh_t‖₂ on the next training batch"
        ),
        "grad_cell_norm": _curve(
            entry.get("grad_cell_norm"), "batch mean of ‖dL/dc_t‖₂ on the next training batch"
        ),
        # a bound may overflow where the gradient does not; like the trace's, it never sets the cell's overflow
        "grad_hidden_bound": _curve(
            entry.get("grad_hidden_bound"),
            "RNN: bound on the batch mean of ‖dL/dh_t‖₂ on the next training batch (as in the trace)",
        ),
        "weight_grad": {
            name: _curve(v, f"‖step t's term of dL/d{name} (h_(t−1) columns)‖_F")
            for name, v in entry["weight_grad"].items()
        },
        "gate_means": {
            name: _curve(v, f"mean of gate {name} over batch and units")
            for name, v in entry["gate_means"].items()
        },
    }
    curves = [
        cell["grad_hidden_norm"],
        cell["grad_cell_norm"],
        *cell["weight_grad"].values(),
        *cell["gate_means"].values(),
    ]
    flagged = [c["first_nonfinite_step"] for c in curves if c is not None and c.get("overflow")]
    losses_bad = any(
        entry[k] is not None and not np.isfinite(entry[k]) for k in ("train_loss", "test_loss", "grad_norm")
    )
    cell["overflow"] = (not entry["finite"]) or bool(flagged) or losses_bad
    if cell["first_nonfinite_step"] is None and flagged:
        cell["first_nonfinite_step"] = min(flagged)
    return cell


def snapshot_payload(snap: dict) -> dict:
    cells = {kind: cell_snapshot(entry) for kind, entry in snap["cells"].items()}
    return {
        "step": int(snap["step"]),
        "elapsed": number(snap["elapsed"]),
        "final": bool(snap["final"]),
        "reason": snap["reason"],
        "overflow": any(c["overflow"] for c in cells.values()),
        "cells": cells,
    }


def start_payload(config: TrainConfig) -> dict:
    task = TASKS[config.task]
    params = config.task_params()
    sizes = {
        "T": task.length(**params),
        "B": config.batch,
        "D": task.input_size(**params),
        "H": config.H,
        "K": task.output_size(**params),
    }
    return {"config": config.canonical(), "task": task.describe(**params), "sizes": sizes}


@dataclass
class TrainRun:
    """The snapshots of one run, as payloads and as encoded JSON; `reason` is set when it ended."""

    start: dict
    snapshots: list[dict] = field(default_factory=list)
    encoded: list[bytes] = field(default_factory=list)
    reason: str | None = None  # "steps" | "solved" | "stopped" | "seconds" | "failed"
    message: str = ""
    whole: EncodedJSON | None = None  # the POST /api/train answer, encoded once
    kept: bool = True  # False: the snapshots were passed on and not kept (too many to cache)
    count: int = 0

    def add(self, snap: dict) -> bytes:
        payload = snapshot_payload(snap)
        body = dumps(payload)
        if self.kept:
            self.snapshots.append(payload)
            self.encoded.append(body)
        self.count += 1
        if payload["final"]:
            self.reason = payload["reason"]
        return body

    @property
    def status(self) -> str:
        return STATUS.get(self.reason or "", "failed")

    @property
    def complete(self) -> bool:
        """Ran to its end: a run that was stopped or failed is not what the configuration describes."""
        return self.status == "done"

    def end_payload(self) -> dict:
        return {
            "status": self.status,
            "reason": self.reason,
            "snapshots": self.count,
            "message": self.message,
        }

    def payload(self) -> dict:
        return {**self.start, **self.end_payload(), "snapshots": self.snapshots}

    @property
    def nbytes(self) -> int:
        """Memory held, roughly: the encoded snapshots, the snapshot payloads (about as large), the whole."""
        return 2 * sum(len(body) for body in self.encoded) + (self.whole.nbytes if self.whole else 0)

    def encoded_whole(self) -> EncodedJSON:
        """The POST /api/train answer, encoded on first use and kept."""
        if self.whole is None:
            self.whole = EncodedJSON(self.payload())
        return self.whole


def run_to_end(config: TrainConfig, should_stop=None, on_snapshot=None, keep: bool = True) -> TrainRun:
    """Train (in the calling thread), collecting every snapshot (unless `keep` is False);
    `on_snapshot(body)` sees each as it comes."""
    run = TrainRun(start_payload(config), kept=keep)
    for snap in core_train.train(core_config(config), should_stop=should_stop):
        body = run.add(snap)
        if on_snapshot is not None:
            on_snapshot(body)
    return run
