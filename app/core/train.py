"""Training as a generator of snapshots: several kinds of cell learn one task side by side.

    for snap in train(TrainConfig(task="adding", task_params={"T": 50}, cells=("rnn", "lstm"))):
        print(snap["step"], {k: c["test_loss"] for k, c in snap["cells"].items()})

Every kind is built from the same seed and sees the same batches in the same order (one data generator,
seeded from config.seed, feeds them all), so differences between the curves come from the cells alone.
Each update is: sample a batch; per kind, trace = model.run(x, y) (forward and full or truncated BPTT);
clip the gradients by global norm; one optimiser step. An update whose gradient is not finite (an exploding
run) is skipped and counted, never applied.

A snapshot at step k describes the networks after k updates (θ_k): test loss and accuracy on a fixed
held-out set, and the gradients of the next training batch at θ_k (those the update k + 1 will use), which
is what the page draws as ‖dL/dh_t‖ per step. Snapshots come at step 0, every snapshot_every updates, and
once more at the end (final: True, with the reason). Same config, same numbers: a run of N steps is a
prefix of a run of M > N steps. A caller stops training by no longer iterating, or by passing should_stop.

Snapshot (plain Python and NumPy values; arrays (T,) are over time steps, 0-based):
    step, elapsed (seconds of computing, not counting time the caller spent between snapshots),
    final (bool), reason (None | "steps" | "seconds" | "stopped" | "solved"),
    cells: {kind: {
        step              updates applied to this kind (smaller than the top-level step once it stopped solved)
        train_loss        mean loss of the training batches at θ_s for the steps s since the previous snapshot
        test_loss, test_accuracy (None where the task has no accuracy), solved (test_loss < the task's
                          threshold; never when scored by another loss than the task's), solved_at (first snapshot step at which it was solved, or None)
        grad_norm         global norm of the gradient before clipping; clipped: whether clipping fires on it
        clip_events       updates so far whose gradient was clipped; skipped: updates skipped as non-finite
        grad_hidden_norm  (T,) batch mean of ‖dL/dh_t‖₂; grad_cell_norm (T,) the same for c_t (LSTM, else None)
        grad_hidden_bound (T,) the RNN's bound on grad_hidden_norm (analysis.grad_hidden_bound), else None
        weight_grad       {name: (T,)} ‖step t's term of the recurrent weight gradient‖_F
        gate_means        {gate: (T,)} mean over batch and units (LSTM f, i, g, o; GRU z, r, n; RNN none)
        gate_unit_means   {gate: (H,)} mean over steps and batch: per unit, which shows the few LSTM units
                          whose forget gate opens to ~1 to carry a value while the overall mean hardly moves
        finite, first_nonfinite_step   of the trace shown; first_nonfinite_forward, first_nonfinite_backward
                          where its forward and its backward pass first met a non-finite number
                          (analysis.nonfinite_steps)
        elapsed           seconds spent computing this kind
    }}
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from time import perf_counter

import numpy as np

from app.core import KINDS, Model, analysis, build_model
from app.core.optim import clip_by_global_norm, make_optimizer
from app.core.tasks import get_task
from app.core.tasks.base import one_hot

REASONS = ("steps", "seconds", "stopped", "solved")


@dataclass(frozen=True)
class TrainConfig:
    task: str = "adding"
    task_params: dict = field(default_factory=dict)  # e.g. {"T": 50}; missing ones take the task's defaults
    # the same names as the API's request fields (cells, H, batch): one name per idea, end to end
    cells: tuple[str, ...] = ("rnn", "lstm")
    H: int = 16
    # build_model options (forget_bias, spectral_radius, activation, …), given to every kind; each kind
    # uses its own and ignores the others'
    init: dict = field(default_factory=dict)
    optimizer: str = "adam"  # "adam" | "sgd" (with momentum)
    lr: float = 0.01
    momentum: float = 0.9  # sgd only
    batch: int = 32
    clip: float | None = 1.0  # max global norm; None: no clipping
    truncate: int | None = None  # truncated BPTT chunk length; None: full BPTT
    steps: int = 1000  # updates at most
    seconds: float | None = None  # stop after this much computing, whatever steps says
    snapshot_every: int = 10
    test_size: int = 128  # held-out sequences, sampled once from their own seeded generator
    seed: int = 0
    stop_when_solved: bool = False  # a kind stops updating once solved; the run ends when all have
    dtype: str = "float64"
    # The readout, each None for the task's own: "linear" | "softmax", "mse" | "ce", "all" | "last".
    # The lecture's pairing, softmax outputs scored by MSE against one-hot targets, is output="softmax",
    # loss="mse" on a task of class labels.
    output: str | None = None
    loss: str | None = None
    loss_on: str | None = None
    # {kind: parameters} to start from instead of a fresh initialisation (fine-tuning an imported network);
    # copied, so the given arrays stay as they are
    initial: dict | None = None

    def __post_init__(self):
        if not self.cells or len(set(self.cells)) != len(self.cells):
            raise ValueError("cells must name at least one cell kind, each once")
        if unknown := [k for k in self.cells if k not in KINDS]:
            raise ValueError(f"unknown kind {', '.join(unknown)}; known: {', '.join(KINDS)}")
        for name in ("H", "batch", "snapshot_every", "test_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.steps < 0:
            raise ValueError("steps must be at least 0")
        if not self.lr > 0:
            raise ValueError("lr must be positive")
        task = get_task(self.task)
        task.resolve(**self.task_params)
        output, loss, _ = readout_of(self, task)
        if loss == "ce" and (output != "softmax" or task.loss != "ce"):
            raise ValueError("loss ce needs output softmax and a task of class labels")

    def with_(self, **changes) -> "TrainConfig":
        return replace(self, **changes)


class _Learner:
    """One kind's model, optimiser and counters, and the trace of the batch at its current parameters."""

    def __init__(self, kind: str, config: TrainConfig, sizes: tuple[int, int], output: str):
        D, K = sizes
        self.kind = kind
        if config.initial and kind in config.initial:
            dtype = np.dtype(config.dtype)
            params = {name: np.array(p, dtype=dtype) for name, p in config.initial[kind].items()}
            self.model = Model(kind, params, output=output, activation=config.init.get("activation", "tanh"))
        else:
            self.model = build_model(
                kind,
                input_size=D,
                hidden_size=config.H,
                output_size=K,
                seed=config.seed,
                output=output,
                dtype=np.dtype(config.dtype),
                **config.init,
            )
        self.optimizer = make_optimizer(config.optimizer, self.model.params, config.lr, config.momentum)
        self.step = 0
        self.clip_events = 0
        self.skipped = 0
        self.elapsed = 0.0
        self.losses: list[float] = []  # training-batch losses since the previous snapshot
        self.solved_at: int | None = None
        self.done = False
        self.trace = None
        self.clipped_grads = None
        self.grad_norm = 0.0
        self.clipped = False
        self.last: dict | None = None  # the latest snapshot entry (repeated once the learner is done)


def train(config: TrainConfig, should_stop: Callable[[], bool] | None = None) -> Iterator[dict]:
    """Yield snapshots while training every kind in config.cells on the same batches (see the module doc)."""
    task = get_task(config.task)
    params = task.resolve(**config.task_params)
    dtype = np.dtype(config.dtype)
    x_test, labels_test = _cast(*task.sample(data_rngs(config.seed)[1], config.test_size, **params), dtype)
    _, loss, loss_on = readout_of(config, task)
    y_test = _targets(labels_test, config, task, params)
    run_options = {"loss": loss, "loss_on": loss_on}
    # "solved" is the task's threshold on its own loss; scored another way, no threshold applies
    threshold = task.threshold(**params) if (loss, loss_on) == (task.loss, task.loss_on) else -np.inf

    busy_since = perf_counter()
    elapsed = 0.0
    learners = _learners(config, task, params)
    batches = _batches(config, task, params)

    def trace_next_batch():
        _trace_batch(learners, *next(batches), config, run_options)

    def evaluate(model) -> tuple[float, float | None]:
        """Test loss and accuracy. The test trace is dropped on return, before the gradient curves are
        computed: holding both at once grows the heap past what training uses, and the allocator hands the
        excess back to the system only for the next updates to fault it in again, page by page."""
        test = model.run(x_test, y_test, backward=False, **run_options)
        return float(test.loss), task.accuracy(test.outputs, labels_test, **params)

    def snapshot_entry(learner: _Learner, step: int) -> dict:
        started = perf_counter()
        test_loss, test_accuracy = evaluate(learner.model)
        solved = bool(test_loss < threshold)
        if solved and learner.solved_at is None:
            learner.solved_at = step
        trace = learner.trace
        norms = analysis.grad_norms(trace)  # for the curves and for where the backward pass broke
        passes = analysis.nonfinite_steps(trace, norms)
        entry = {
            "kind": learner.kind,
            "step": learner.step,
            "train_loss": float(np.mean(learner.losses)),
            "test_loss": test_loss,
            "test_accuracy": test_accuracy,
            "solved": solved,
            "solved_at": learner.solved_at,
            "grad_norm": learner.grad_norm,
            "clipped": learner.clipped,
            "clip_events": learner.clip_events,
            "skipped": learner.skipped,
            **_gradient_picture(learner.model, trace, norms),
            "finite": bool(trace.finite),
            "first_nonfinite_step": trace.first_nonfinite_step,
            **{f"first_nonfinite_{side}": step for side, step in passes.items()},
        }
        learner.losses = []
        if config.stop_when_solved and solved:
            learner.done = True
        learner.elapsed += perf_counter() - started
        entry["elapsed"] = learner.elapsed
        return entry

    step = 0
    trace_next_batch()
    while True:
        if step >= config.steps:
            reason = "steps"
        elif config.seconds is not None and elapsed + perf_counter() - busy_since >= config.seconds:
            reason = "seconds"
        elif should_stop is not None and should_stop():
            reason = "stopped"
        else:
            reason = None
        if reason is not None or step % config.snapshot_every == 0:
            cells = {}
            for learner in learners:
                if learner.last is None or not learner.done:
                    learner.last = snapshot_entry(learner, step)
                cells[learner.kind] = learner.last
            if reason is None and config.stop_when_solved and all(learner.done for learner in learners):
                reason = "solved"
            elapsed += perf_counter() - busy_since
            yield {
                "step": step,
                "elapsed": elapsed,
                "final": reason is not None,
                "reason": reason,
                "cells": cells,
            }
            busy_since = perf_counter()
        if reason is not None:
            return
        for learner in learners:
            if not learner.done:
                _update(learner)
        step += 1
        trace_next_batch()


def fit(config: TrainConfig, should_stop: Callable[[], bool] | None = None) -> dict[str, Model]:
    """The networks after config.steps updates, without snapshots: the same parameters as train(config)'s
    at its last step (stop_when_solved and seconds are not used: the count of updates alone decides).
    Raises Stopped when should_stop() turns true between updates."""
    task = get_task(config.task)
    params = task.resolve(**config.task_params)
    _, loss, loss_on = readout_of(config, task)
    run_options = {"loss": loss, "loss_on": loss_on}
    learners = _learners(config, task, params)
    batches = _batches(config, task, params)
    for _ in range(config.steps):
        if should_stop is not None and should_stop():
            raise Stopped("training stopped before its last update")
        _trace_batch(learners, *next(batches), config, run_options)
        for learner in learners:
            _update(learner)
    return {learner.kind: learner.model for learner in learners}


class Stopped(Exception):
    """fit() was told to stop (its caller left) before the last update."""


def _learners(config: TrainConfig, task, params: dict) -> list[_Learner]:
    sizes = (task.input_size(**params), task.output_size(**params))
    output = readout_of(config, task)[0]
    return [_Learner(kind, config, sizes, output) for kind in config.cells]


def _batches(config: TrainConfig, task, params: dict) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The training batches, from the first of the seed's two child seeds (the second draws the test set)."""
    dtype = np.dtype(config.dtype)
    data_rng = data_rngs(config.seed)[0]
    while True:
        x, y = _cast(*task.sample(data_rng, config.batch, **params), dtype)
        yield x, _targets(y, config, task, params)


def data_rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """The two data streams of a seed: the training batches, and the held-out test set. A trace draws its
    batch from the first, so it sees what the first update of a run with the same seed sees."""
    batches, test = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(batches), np.random.default_rng(test)


def readout_of(config: TrainConfig, task) -> tuple[str, str, str]:
    """(output, loss, loss_on): the config's choices, the task's where it has none."""
    return config.output or task.output, config.loss or task.loss, config.loss_on or task.loss_on


def _targets(y: np.ndarray, config: TrainConfig, task, params: dict) -> np.ndarray:
    """The task's targets as the loss needs them: class labels become one-hot vectors for MSE."""
    if readout_of(config, task)[1] == "mse" and task.loss == "ce":
        return one_hot(y, task.output_size(**params)).astype(config.dtype)
    return y


def _trace_batch(learners: list[_Learner], x, y, config: TrainConfig, run_options: dict) -> None:
    """Each learner still training runs the batch and clips its gradient, ready for _update."""
    for learner in learners:
        if learner.done:
            continue
        started = perf_counter()
        trace = learner.model.run(x, y, truncate=config.truncate, **run_options)
        learner.trace = trace
        learner.losses.append(float(trace.loss))
        learner.clipped_grads, learner.grad_norm, learner.clipped = clip_by_global_norm(
            trace.grads, config.clip
        )
        learner.elapsed += perf_counter() - started


def _update(learner: _Learner) -> None:
    """Apply the optimiser to the (clipped) gradient of learner.trace, unless it is not finite."""
    started = perf_counter()
    if learner.trace.finite and np.isfinite(learner.grad_norm):
        learner.optimizer.step(learner.clipped_grads)
        learner.clip_events += learner.clipped
    else:
        learner.skipped += 1
    learner.step += 1
    learner.elapsed += perf_counter() - started


def _gradient_picture(model, trace, norms: dict[str, np.ndarray]) -> dict:
    """The per-step curves of one training trace: ‖dL/dh_t‖ (and the RNN's bound on it), ‖dL/dc_t‖,
    weight-gradient terms, gate means. `norms` is analysis.grad_norms(trace)."""
    bound = analysis.grad_hidden_bound(model, trace)
    return {
        "grad_hidden_norm": norms["hidden_mean"],
        "grad_hidden_bound": None if bound is None else bound["hidden_mean"],
        "grad_cell_norm": norms.get("cell_mean"),
        "weight_grad": analysis.weight_grad_contributions(model, trace),
        "gate_means": {name: gate.mean(axis=(1, 2)) for name, gate in trace.gates.items()},
        "gate_unit_means": {name: gate.mean(axis=(0, 1)) for name, gate in trace.gates.items()},
    }


def _cast(x: np.ndarray, y: np.ndarray, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (and float targets) in the model's dtype; integer class labels stay integers."""
    return x.astype(dtype, copy=False), y.astype(dtype, copy=False) if y.dtype.kind == "f" else y
