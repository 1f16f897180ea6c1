"""From a TraceConfig to the trace payload: one batch of the task, one model per cell, one run each.

`prepare` turns a validated configuration into the task's batch and freshly built models (the same recipe
for every endpoint that runs a configuration: trace, export, gradient check). `trace_payload` runs them
and lays out what the page draws, every array as {"shape", "axes", "meaning", "data"} (see
docs/api.md). Steps are 0-based. Heatmaps (T, U) show U ≤ max_units evenly spaced hidden units and say
which; the connectivity matrix shows at most MAX_STEPS_2D steps.

The batch is drawn exactly as the training loop draws its first batch (the first of two child seeds of
`seed`), so a trace and step 0 of a training run with the same seed and batch size see the same numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.core import Model, Trace, analysis, build_model, sigma_max, spectral_radius, torch_import
from app.core.optim import global_norm
from app.core.tasks import TASKS, Task
from app.core.tasks.base import one_hot
from app.core.torch_import import Imported
from app.core.train import data_rngs
from app.web.infrastructure.encode import array, first_nonfinite_step, int_array, number
from app.web.infrastructure.errors import ConfigError
from app.web.payloads.trained import trained_params
from app.web.schemas import TraceConfig

MAX_STEPS_2D = 100
GATE_NAMES = {
    "f": "forget gate f_t",
    "i": "input gate i_t",
    "g": "candidate g_t",
    "o": "output gate o_t",
    "z": "update gate z_t",
    "r": "reset gate r_t",
    "n": "candidate n_t",
}


@dataclass
class Prepared:
    """Everything a run of a configuration needs, built deterministically from its seed."""

    config: TraceConfig
    task: Task
    task_params: dict
    x: np.ndarray  # (T, B, D)
    y: np.ndarray  # (T, B, K) floats for mse, (T, B) labels for ce
    output: str
    loss: str
    loss_on: str
    models: dict[str, Model]

    @property
    def sizes(self) -> dict:
        T, B, D = self.x.shape
        first = next(iter(self.models.values()))
        return {"T": T, "B": B, "D": D, "H": first.hidden_size, "K": first.output_size}

    def run(self, kind: str, full_bptt: bool = False) -> Trace:
        """One forward and backward pass of the `kind` model on the batch (truncated as configured,
        unless full_bptt)."""
        truncate = None if full_bptt else self.config.truncate
        return self.models[kind].run(self.x, self.y, loss=self.loss, loss_on=self.loss_on, truncate=truncate)


def sequence_length(config: TraceConfig) -> int:
    """T of the configuration's sequences (copy's length follows from S and delay; your own input's is its
    own)."""
    return sizes_of(config)[0]


def sizes_of(config: TraceConfig) -> tuple[int, int, int]:
    """(T, D, K) of the configuration's data: the task's, or those of your own `input` (K: the targets')."""
    if getattr(config, "input", None):
        from app.web.payloads.sequences import STORE

        seq = STORE.get(config.input)
        return *seq.x.shape, 1 if seq.y is None else seq.y.shape[1]
    task, params = TASKS[config.task], config.task_params()
    return task.length(**params), task.input_size(**params), task.output_size(**params)


def prepare(
    config: TraceConfig,
    imported: Imported | None = None,
    data: tuple | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Prepared:
    """The batch and models of a configuration (the text task's batch is the `sentence` when one is given).
    With `weights` the one model is the uploaded network (`imported`, else looked up in the server's store);
    `data` = (x, y) replaces the task's batch. With `trained_steps`, the networks are trained first
    (trained.py), and should_stop() may stop that early (then Stopped is raised)."""
    task = TASKS[config.task]
    params = config.task_params()
    output, loss, loss_on = config.readout()
    if config.weights and config.input and imported is None:
        from app.web.payloads.weights import (
            imported_for,  # the store is the server's; the CLI passes `imported`
        )

        imported = imported_for(config)
    if data is None and config.input:
        from app.web.payloads.sequences import batch_of

        data = batch_of(config, imported)
    if data is None and config.sentence is not None and task.name == "text":
        x, y = task.sentence_batch(config.sentence, config.batch)
    elif data is None:
        x, y = task.sample(data_rngs(config.seed)[0], config.batch, **params)
    else:
        x, y = data
    K = task.output_size(**params) if data is None or y.ndim == 2 else y.shape[2]
    if loss == "mse" and task.loss == "ce" and y.ndim == 2:
        y = one_hot(y, K)  # (T, B, K): the lecture's softmax output scored by MSE against one-hot targets
    if config.weights:
        if imported is None:
            from app.web.payloads.weights import (
                imported_for,  # the store is the server's; the CLI passes `imported`
            )

            imported = imported_for(config)
        model = imported_model(config, imported, x.shape[2], K, output)
        return Prepared(config, task, params, x, y, output, loss, loss_on, {imported.kind: model})
    models = {
        kind: build_model(
            kind,
            input_size=task.input_size(**params),
            hidden_size=config.H,
            output_size=K,
            seed=config.seed,
            output=output,
            **config.init_options(),
        )
        for kind in config.cells
    }
    if config.trained_steps:
        for kind, trained in trained_params(config, should_stop).items():
            models[kind].params = trained
    return Prepared(config, task, params, x, y, output, loss, loss_on, models)


def imported_model(config: TraceConfig, imported: Imported, D: int, K: int, output: str) -> Model:
    """The uploaded network for this configuration: 422 naming `weights` when its sizes do not fit."""
    if config.trained_steps:
        raise ConfigError("trained_steps", "trained_steps must be 0 with uploaded weights (they are trained)")
    if imported.input_size != D:
        raise ConfigError(
            "weights",
            f"the uploaded {imported.kind} takes D = {imported.input_size} inputs per step; "
            f"task {config.task} gives {D}",
        )
    try:
        return torch_import.build_model(
            imported, K, output=output, seed=config.seed, output_scale=config.output_scale
        )
    except ValueError as err:
        raise ConfigError("weights", str(err)) from None


def shown_units(H: int, max_units: int) -> np.ndarray:
    """At most max_units unit indices, evenly spaced over 0..H−1, always including the first and last."""
    if H <= max_units:
        return np.arange(H)
    return np.unique(np.linspace(0, H - 1, max_units).round().astype(int))


def shown_steps(T: int, limit: int = MAX_STEPS_2D) -> np.ndarray:
    return shown_units(T, limit)


def recurrent_blocks(model: Model) -> dict[str, np.ndarray]:
    """The H × H matrices that multiply h_{t−1}: W_hh, or the h columns of each gate's W."""
    p, H = model.params, model.hidden_size
    if model.kind == "rnn":
        return {"W_hh": p["W_hh"]}
    gates = ("f", "i", "g", "o") if model.kind == "lstm" else ("z", "r", "n")
    return {f"W_{g}": p[f"W_{g}"][:, :H] for g in gates}


def _flagged(obj: dict | None, *, skip_upper: bool = False) -> dict | None:
    """Add "overflow" and "first_nonfinite_step" to an array object that holds a non-finite number."""
    if obj is None:
        return None
    data = obj["data"]
    if skip_upper:  # the upper triangle of the connectivity matrix is null by definition
        data = np.where(np.triu(np.ones(data.shape, dtype=bool), k=1), 0.0, data)
    step = first_nonfinite_step(data)
    if step is not None:
        obj["overflow"] = True
        obj["first_nonfinite_step"] = int(step)
    return obj


def _heat(values_tbh: np.ndarray, example: int, units: np.ndarray, meaning: str) -> dict:
    return _flagged(array(values_tbh[:, example][:, units], meaning, ("t", "unit")))


def _weights(model: Model, units: np.ndarray) -> dict:
    """Each parameter with its H axes sliced to the shown units (W's x columns kept whole)."""
    H = model.hidden_size
    out = {}
    for name, W in model.params.items():
        if name == "W_hy":
            sliced, axes = W[:, units], ("k", "unit")
        elif name == "b_y":
            sliced, axes = W, ("k",)
        elif name.startswith("b_"):
            sliced, axes = W[units], ("unit",)
        elif name == "W_hh":
            sliced, axes = W[np.ix_(units, units)], ("unit", "unit")
        elif name == "W_xh":
            sliced, axes = W[units], ("unit", "d")
        else:  # gate matrices (H, H + D): rows = units, columns = [h_{t−1} units…, x_t…]
            columns = np.concatenate([units, np.arange(H, W.shape[1])])
            sliced, axes = W[np.ix_(units, columns)], ("unit", "v")
        out[name] = array(sliced, f"{name} of the {model.kind} (rows and h columns: the units shown)", axes)
    return out


def cell_payload(prep: Prepared, kind: str, trace: Trace) -> dict:
    config, model = prep.config, prep.models[kind]
    ex = config.example
    units = shown_units(model.hidden_size, config.max_units)
    # parallel: the server runs BLAS on one thread per call (app.blas), which analyse's second thread needs
    found = analysis.analyse(model, trace, example=ex, parallel=True)
    norms = found["grad_norms"]
    bound = analysis.grad_hidden_bound(model, trace)
    passes = analysis.nonfinite_steps(trace, norms)
    jac = found["jacobian_norms"]
    steps = shown_steps(len(trace.step_loss))
    conn = found["connectivity"][np.ix_(steps, steps)]
    blocks = {
        name: {"spectral_radius": number(spectral_radius(W)), "sigma_max": number(sigma_max(W))}
        for name, W in recurrent_blocks(model).items()
    }
    grads = trace.grads or {}
    with np.errstate(over="ignore", invalid="ignore"):  # an exploded gradient's norm is inf, sent as null
        grad_norms = {name: number(np.linalg.norm(g)) for name, g in grads.items()}
    grad_norms["total"] = number(global_norm(grads)) if grads else None
    lstm = trace.cell is not None

    cell = {
        "kind": kind,
        "loss": number(trace.loss),
        "finite": bool(trace.finite),
        "overflow": not trace.finite,
        "first_nonfinite_step": trace.first_nonfinite_step,
        "first_nonfinite_forward": passes["forward"],
        "first_nonfinite_backward": passes["backward"],
        "recurrent": blocks,
        "spectral_radius": blocks["W_hh"]["spectral_radius"] if kind == "rnn" else None,
        "sigma_max": blocks["W_hh"]["sigma_max"] if kind == "rnn" else None,
        "grad_norms": grad_norms,
        "H": model.hidden_size,
        "units": units.tolist(),
        "hidden": _heat(trace.hidden, ex, units, "h_t of the example, for the units listed in `units`"),
        "cell": _heat(trace.cell, ex, units, "c_t (LSTM cell state) of the example") if lstm else None,
        "gates": {
            name: _heat(
                g,
                ex,
                units,
                f"{GATE_NAMES.get(name, name)} of the example, in [0, 1] ([−1, 1] for a candidate)",
            )
            for name, g in trace.gates.items()
        },
        "gate_means": {
            name: _flagged(
                array(
                    g.mean(axis=(1, 2)),
                    f"mean of {GATE_NAMES.get(name, name)} over batch and all units",
                    ("t",),
                )
            )
            for name, g in trace.gates.items()
        },
        "outputs": _flagged(array(trace.outputs[:, ex], "ŷ_t of the example", ("t", "k"))),
        "step_loss": _flagged(
            array(trace.step_loss, "loss at step t, summed over the batch / B (0 where no loss)", ("t",))
        ),
        "grad_hidden": _heat(
            trace.grad_hidden, ex, units, "dL/dh_t of the example (total, through every later step reached)"
        ),
        "grad_hidden_norm": _flagged(array(norms["hidden_mean"], "batch mean of ‖dL/dh_t‖₂", ("t",))),
        "grad_hidden_norm_example": _flagged(
            array(norms["hidden"][:, ex], "‖dL/dh_t‖₂ of the example", ("t",))
        ),
        "grad_hidden_bound": (
            _flagged(
                array(
                    bound["hidden_mean"],
                    "bound on the batch mean of ‖dL/dh_t‖₂: batch mean of Σ_{s ≥ t in t's truncation chunk} "
                    "‖∂ℓ_s/∂h_s‖₂ (γ·σ_max(W_hh))^(s−t), γ = 1",
                    ("t",),
                )
            )
            if bound is not None
            else None
        ),
        "grad_cell": _heat(trace.grad_cell, ex, units, "dL/dc_t of the example") if lstm else None,
        "grad_cell_norm": _flagged(array(norms["cell_mean"], "batch mean of ‖dL/dc_t‖₂", ("t",)))
        if lstm
        else None,
        "grad_cell_norm_example": (
            _flagged(array(norms["cell"][:, ex], "‖dL/dc_t‖₂ of the example", ("t",))) if lstm else None
        ),
        "weight_grad": {
            name: _flagged(array(v, f"‖step t's term of dL/d{name} (h_(t−1) columns)‖_F", ("t",)))
            for name, v in found["weight_grad_contributions"].items()
        },
        "jacobian_norm": _flagged(
            array(jac["norm"], "‖∂s_T/∂s_t‖₂ of the example; s = h (RNN, GRU) or (h, c) (LSTM)", ("t",))
        ),
        "jacobian_bound": (
            _flagged(
                array(jac["bound"], "(γ·σ_max(W_hh))^(T−1−t), the bound on ‖∂h_T/∂h_t‖₂ (γ = 1)", ("t",))
            )
            if jac.get("bound") is not None
            else None
        ),
        "connectivity": _flagged(
            array(
                conn,
                "‖∂ŷ_t/∂x_s‖_F of the example for s ≤ t (null above the diagonal), at the listed steps",
                ("t", "s"),
                steps=steps.tolist(),
            ),
            skip_upper=True,
        ),
        "weights": _weights(model, units) if config.include_weights else None,
    }
    flagged = [
        v
        for key, v in cell.items()
        if isinstance(v, dict) and v.get("overflow") and key not in ("jacobian_bound", "grad_hidden_bound")
    ] + [
        v
        for group in ("gates", "gate_means", "weight_grad")
        for v in cell[group].values()
        if v.get("overflow")
    ]
    if flagged:
        cell["overflow"] = True
        if cell["first_nonfinite_step"] is None:
            cell["first_nonfinite_step"] = min(v["first_nonfinite_step"] for v in flagged)
    return cell


def example_payload(prep: Prepared) -> dict:
    ex = prep.config.example
    T = prep.x.shape[0]
    mask = np.ones(T) if prep.loss_on == "all" else (np.arange(T) == T - 1).astype(float)
    if prep.y.ndim == 2:
        targets = int_array(prep.y[:, ex], "y_t of the example: class labels (cross-entropy)", ("t",))
    else:
        targets = array(prep.y[:, ex], "y_t of the example (the MSE targets)", ("t", "k"))
    return {
        "index": ex,
        "inputs": array(prep.x[:, ex], "x_t of the example", ("t", "d")),
        "targets": targets,
        "loss_mask": int_array(mask, "1 where the loss is measured at step t", ("t",)),
    }


def task_payload(prep: Prepared) -> dict:
    return prep.task.describe(**prep.task_params)


def trace_payload(config: TraceConfig, prep: Prepared | None = None) -> dict:
    """The whole response of /api/trace for a validated configuration (or for `prep`, prepared from it)."""
    prep = prep or prepare(config)
    cells = {kind: cell_payload(prep, kind, prep.run(kind)) for kind in prep.models}
    bad = [c["first_nonfinite_step"] for c in cells.values() if c["overflow"]]
    steps = [s for s in bad if s is not None]
    forward = [
        c["first_nonfinite_forward"] for c in cells.values() if c["first_nonfinite_forward"] is not None
    ]
    backward = [
        c["first_nonfinite_backward"] for c in cells.values() if c["first_nonfinite_backward"] is not None
    ]
    resolved = config.canonical() | {"output": prep.output, "loss": prep.loss, "loss_on": prep.loss_on}
    if config.input:
        from app.web.payloads.sequences import STORE, input_task

        T, _, K = prep.y.shape
        given = STORE.get(config.input).y is not None
        task = input_task(T, prep.x.shape[2], K, prep.output, prep.loss, prep.loss_on, given, "your sequence")
    else:
        task = task_payload(prep)
    return {
        "config": resolved,
        "sizes": prep.sizes,
        "task": task,
        "overflow": bool(bad),
        "first_nonfinite_step": min(steps) if steps else None,
        "first_nonfinite_forward": min(forward) if forward else None,
        "first_nonfinite_backward": max(backward) if backward else None,
        "example": example_payload(prep),
        "cells": cells,
    }
