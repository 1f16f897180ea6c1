"""`gradflow experiment TASK --lengths 10,25,50,100`: does each cell learn the dependency at each length?

Every (length, kind) pair is one training run with the same budget (at most --steps updates and --seconds
of computing), the same seed and so the same batches. A run stops early once its test loss is below the
task's "solved" threshold (unless --full-budget). Progress goes to stderr, one line per finished run; the
table of results to stdout and, with --out, the runs as JSON. Ctrl-C ends the current run at its next
update, skips the rest and still prints and writes what finished (a second Ctrl-C aborts at once).

`gradflow experiment --preset lstm-learns` instead trains a training preset (static/lesson/presets.json) exactly
as the page's Train button does: its cells side by side on the same batches, for its own number of updates,
and reports each cell the same way.

BLAS runs on one thread, as in the server (see app/blas.py), so a run here gives the page's numbers.
"""

import argparse
import json
import signal
import sys
import time

from app.blas import single_threaded_blas
from app.core.init import KINDS
from app.core.tasks import TASKS, get_task


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "experiment",
        help="train RNN, LSTM and GRU on a task at several lengths and compare",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("task", nargs="?", choices=list(TASKS), help="task to learn")
    p.add_argument(
        "--lengths", default="10,25,50,100", help="comma-separated values of the task's length parameter"
    )
    p.add_argument("--cells", default=",".join(KINDS), help="comma-separated cell kinds")
    p.add_argument("--steps", type=int, default=3000, help="updates per run at most")
    p.add_argument("--seconds", type=float, default=120.0, help="seconds of computing per run at most")
    p.add_argument("--H", type=int, default=16, help="hidden units H")
    p.add_argument("--batch", type=int, default=32, help="batch size B")
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    p.add_argument("--lr", type=float, default=0.01, help="learning rate")
    p.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    p.add_argument("--clip", type=float, default=1.0, help="max global gradient norm (0: no clipping)")
    p.add_argument(
        "--truncate", type=int, default=None, help="truncated BPTT chunk length (default: full BPTT)"
    )
    p.add_argument("--forget-bias", type=float, default=1.0, help="LSTM forget-gate bias at initialisation")
    p.add_argument("--eval-every", type=int, default=100, help="updates between evaluations on the test set")
    p.add_argument("--test-size", type=int, default=1000, help="held-out sequences")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another task parameter (repeatable), e.g. --param V=8",
    )
    p.add_argument("--full-budget", action="store_true", help="keep training after the task is solved")
    p.add_argument(
        "--preset",
        help="instead: train a preset as the page does (its cells side by side, its own budget and options; "
        "of the options here only --seed and --out apply), e.g. --preset lstm-learns",
    )
    p.add_argument("--out", help="write the results as JSON to this file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    single_threaded_blas()
    try:
        task, plans = _plans(args)
    except ValueError as error:
        print(f"gradflow experiment: {error}", file=sys.stderr)
        return 2

    interrupted = False

    def on_sigint(signum, frame):
        nonlocal interrupted
        interrupted = True
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C aborts at once
        print(
            "\ninterrupted: finishing the current run's last update, then writing what finished",
            file=sys.stderr,
        )

    previous = signal.signal(signal.SIGINT, on_sigint)
    runs = []
    started = time.perf_counter()
    try:
        for n, (length, config) in enumerate(plans, start=1):
            if interrupted:
                break
            for result in _run(config, length, lambda: interrupted):
                runs.append(result)
                print(f"[{n}/{len(plans)}] {_line(task.length_param, result)}", file=sys.stderr, flush=True)
    finally:
        signal.signal(signal.SIGINT, previous)

    print(_table(task.length_param, runs))
    if args.out:
        first = plans[0][1]
        report = {
            "arguments": {k: v for k, v in vars(args).items() if k not in ("func", "command")},
            "task": task.name,
            "threshold": task.threshold(**first.task_params),
            "baseline": task.baseline(**first.task_params),
            "config": {k: v for k, v in vars(first).items() if k not in ("cells", "task_params")},
            "task_params": {k: v for k, v in first.task_params.items() if k != task.length_param},
            "interrupted": interrupted,
            "seconds_total": time.perf_counter() - started,
            "runs": runs,
        }
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
        print(f"wrote {args.out}", file=sys.stderr)
    return 130 if interrupted else 0


def _plans(args: argparse.Namespace):
    """(task, [(length, TrainConfig), ...]): one config per (length, kind), or the preset's single one."""
    from app.core.train import TrainConfig

    if args.preset:
        # imported here so that other subcommands start without the web layer
        from app.web.payloads.presets import train_preset
        from app.web.payloads.train_run import core_config

        config = core_config(train_preset(args.preset)).with_(seed=args.seed)
        if args.task not in (None, config.task):
            raise ValueError(f"preset {args.preset!r} trains on {config.task!r}, not {args.task!r}")
        task = get_task(config.task)
        return task, [(task.resolve(**config.task_params)[task.length_param], config)]
    if args.task is None:
        raise ValueError("name a TASK or a --preset")
    task = get_task(args.task)
    lengths = [int(v) for v in args.lengths.split(",") if v.strip()]
    kinds = [k.strip() for k in args.cells.split(",") if k.strip()]
    if unknown := [k for k in kinds if k not in KINDS]:
        raise ValueError(f"unknown kind {', '.join(unknown)}; known: {', '.join(KINDS)}")
    extra = dict(_parse_param(item) for item in args.param)
    base = TrainConfig(
        task=args.task,
        task_params=extra,
        H=args.H,
        init={"forget_bias": args.forget_bias},
        optimizer=args.optimizer,
        lr=args.lr,
        momentum=args.momentum,
        batch=args.batch,
        clip=args.clip or None,
        truncate=args.truncate,
        steps=args.steps,
        seconds=args.seconds,
        snapshot_every=args.eval_every,
        test_size=args.test_size,
        seed=args.seed,
        stop_when_solved=not args.full_budget,
    )
    return task, [
        (length, base.with_(cells=(kind,), task_params={**extra, task.length_param: length}))
        for length in lengths
        for kind in kinds
    ]


def _run(config, length: int, should_stop) -> list[dict]:
    """Train config.cells side by side; one result per kind, from the final snapshot."""
    from app.core.train import train

    curves = {kind: [] for kind in config.cells}
    for snap in train(config, should_stop=should_stop):
        for kind, cell in snap["cells"].items():
            curves[kind].append([cell["step"], cell["test_loss"], cell["test_accuracy"]])
        last = snap
    results = []
    for kind, cell in last["cells"].items():
        results.append(
            {
                "length": length,
                "kind": kind,
                "test_loss": cell["test_loss"],
                "test_accuracy": cell["test_accuracy"],
                "solved": cell["solved"],
                "solved_at": cell["solved_at"],
                "steps": cell["step"],
                "seconds": round(cell["elapsed"], 2),
                "reason": last["reason"],
                "clip_events": cell["clip_events"],
                "skipped": cell["skipped"],
                "curve": curves[kind],  # [step, test loss, test accuracy] at every evaluation
            }
        )
    return results


def _parse_param(item: str) -> tuple[str, float]:
    name, sep, value = item.partition("=")
    if not sep:
        raise ValueError(f"--param wants NAME=VALUE, got {item!r}")
    number = float(value)
    return name.strip(), int(number) if number.is_integer() else number


def _line(length_param: str, r: dict) -> str:
    acc = "" if r["test_accuracy"] is None else f"  accuracy {r['test_accuracy']:.3f}"
    return (
        f"{length_param}={r['length']:<4} {r['kind']:<4}  test loss {r['test_loss']:.4g}{acc}  "
        f"solved {'yes' if r['solved'] else 'no '}  {r['steps']} steps  {r['seconds']:.1f} s  ({r['reason']})"
    )


def _table(length_param: str, runs: list[dict]) -> str:
    head = f"| {length_param} | kind | test loss | accuracy | solved | steps | seconds |"
    rows = [head, "|---:|---|---:|---:|---|---:|---:|"]
    for r in runs:
        acc = "–" if r["test_accuracy"] is None else f"{r['test_accuracy']:.3f}"
        solved = "yes" if r["solved"] else "no"
        rows.append(
            f"| {r['length']} | {r['kind']} | {r['test_loss']:.4g} | {acc} | {solved} | {r['steps']} | {r['seconds']:.1f} |"
        )
    return "\n".join(rows)
