"""`gradflow trace --weights model.safetensors [--task adding --param T=50 | --task text --sentence TEXT |
--input x.csv [--targets y.csv]]`:
one forward and backward pass of your own trained PyTorch nn.RNN, nn.LSTM or nn.GRU (saved with
safetensors.torch.save_file(model.state_dict(), path), or the same keys in an .npz), written as the JSON
that POST /api/trace returns for it (docs/api.md): hidden states, gates, dL/dh_t, Jacobian norms,
connectivity and the rest.

The input is a batch of a task (its input size must be the network's D); for the text task, your own
--sentence (T = its length − 1, each step predicting the next character); or your own sequence: --input, a
T × D table (CSV, one row per step, or .npy), traced as one example; --targets, T × K (or T values for
K = 1), scored by MSE, and zeros when left out (then the loss is the mean square of the outputs). A
network saved without its nn.Linear readout gets one drawn from --seed, as the app's own networks do.
"""

import argparse
import sys
from pathlib import Path

import numpy as np


def register(sub: argparse._SubParsersAction) -> None:
    from app.core.tasks import TASKS

    p = sub.add_parser(
        "trace",
        help="trace your own trained PyTorch RNN/LSTM/GRU and write the API's trace JSON",
        description="Trace " + __doc__.split(":\n", 1)[1],  # the docstring after its usage line
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--weights", required=True, type=Path, help="a .safetensors or .npz state dict")
    p.add_argument("--task", default="adding", choices=list(TASKS), help="task whose batch is traced")
    p.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a task parameter, e.g. T=50"
    )
    p.add_argument(
        "--sentence", help="text task: your own sentence instead of random windows (characters of its text)"
    )
    p.add_argument("--input", type=Path, help="your own sequence instead: T × D, .csv or .npy")
    p.add_argument("--targets", type=Path, help="targets for --input: T × K (or T values), .csv or .npy")
    p.add_argument("--activation", choices=["tanh", "relu"], default="tanh", help="an nn.RNN's nonlinearity")
    p.add_argument(
        "--readout",
        default=None,
        help="key prefix of the nn.Linear readout (e.g. fc); '' for none; default: found by shape",
    )
    p.add_argument("--batch", type=int, default=8, help="examples B of the task's batch")
    p.add_argument("--example", type=int, default=0, help="the example the heatmaps show")
    p.add_argument("--seed", type=int, default=0, help="seed of the batch and of a missing readout")
    p.add_argument("--truncate", type=int, default=None, help="truncated BPTT chunk length")
    p.add_argument("--output", choices=["linear", "softmax"], default=None, help="output layer")
    p.add_argument("--loss-on", choices=["all", "last"], default=None, help="steps that carry loss")
    p.add_argument("--max-units", type=int, default=32, help="hidden units shown in the heatmaps")
    p.add_argument("--include-weights", action="store_true", help="also write the parameters")
    p.add_argument("--out", type=Path, help="the JSON file to write (default: standard output)")
    p.set_defaults(func=run)


def read_table(path: Path, what: str) -> np.ndarray:
    """(T, columns) from .npy (never unpickled) or CSV, by the reader the API uses too (app/core/sequence.py)."""
    from app.core.sequence import read_sequence

    return read_sequence(path.read_bytes(), path.name, what)


def build(args: argparse.Namespace):
    """(config, prep) for the arguments: the validated TraceConfig and the prepared batch and model."""
    from pydantic import ValidationError

    from app.core.torch_import import load_weights
    from app.web.payloads.trace_payload import prepare
    from app.web.payloads.weights import digest_of
    from app.web.schemas import TraceConfig

    data = args.weights.read_bytes()
    imported = load_weights(data, args.weights.name, nonlinearity=args.activation, readout=args.readout)
    fields = {
        "task": args.task,
        "batch": args.batch,
        "example": args.example,
        "seed": args.seed,
        "truncate": args.truncate,
        "output": args.output,
        "loss_on": args.loss_on,
        "max_units": args.max_units,
        "include_weights": args.include_weights,
        "activation": args.activation,
        "weights": digest_of(data, args.readout),
        "sentence": args.sentence,
    }
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--param takes NAME=VALUE, not {item!r}")
        fields[name.strip()] = float(value) if "." in value else int(value)
    if args.input is not None and args.sentence is not None:
        raise ValueError("give either --input or --sentence, not both")
    inputs = None
    if args.input is not None:
        x = read_table(args.input, "--input")
        T = len(x)
        if x.shape[1] != imported.input_size:
            raise ValueError(f"--input has {x.shape[1]} columns; the network takes D = {imported.input_size}")
        K = imported.output_size
        if args.targets is not None:
            y = read_table(args.targets, "--targets")
            if len(y) != T or (K is not None and y.shape[1] != K):
                raise ValueError(f"--targets must be T × K = {T} × {K or 'columns'}, not {y.shape}")
        else:
            y = np.zeros((T, K or 1))
        inputs = (x[:, None, :], y[:, None, :])  # (T, 1, D), (T, 1, K)
        fields.update(
            batch=1, example=0, loss="mse", output=args.output or "linear", loss_on=args.loss_on or "all"
        )
    try:
        config = TraceConfig(**fields)
    except ValidationError as err:
        first = err.errors()[0]
        raise ValueError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    config = config.model_copy(update={"cells": [imported.kind], "H": imported.hidden_size})
    return config, prepare(config, imported=imported, data=inputs)


def run(args: argparse.Namespace) -> int:
    from app.blas import single_threaded_blas
    from app.core.torch_import import WeightsError
    from app.web.infrastructure.encode import EncodedJSON
    from app.web.infrastructure.errors import ConfigError
    from app.web.payloads.sequences import input_task
    from app.web.payloads.trace_payload import trace_payload

    single_threaded_blas()
    try:
        config, prep = build(args)
    except (OSError, ValueError, WeightsError) as err:
        print(f"gradflow trace: {err}", file=sys.stderr)
        return 2
    except ConfigError as err:
        print(f"gradflow trace: {err.field}: {err.message}", file=sys.stderr)
        return 2
    payload = trace_payload(config, prep)
    if args.input is not None:
        T, _, K = prep.y.shape
        payload["config"]["input"] = args.input.name
        payload["task"] = input_task(
            T,
            prep.x.shape[2],
            K,
            prep.output,
            prep.loss,
            prep.loss_on,
            args.targets is not None,
            f"your sequence ({args.input.name})",
        )
    body = EncodedJSON(payload).body
    if args.out is None:
        sys.stdout.buffer.write(body + b"\n")
    else:
        args.out.write_bytes(body)
        cell = payload["cells"][prep.config.cells[0]]
        print(f"wrote {args.out}: {cell['kind']}, H = {cell['H']}, T = {len(prep.x)}, loss = {cell['loss']}")
    return 0
