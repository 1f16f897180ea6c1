"""`gradflow bench [--only SECTION ...] [--quick] [--out FILE]`: run the benchmarks and print their figures.

The result is one JSON document on stdout (and in FILE with --out): {"sections": {name: figures}, ...};
progress goes to stderr. Each section is a module of app.bench (listed in app.bench.SECTIONS). --quick runs
fewer repetitions and skips the largest sizes, for a check in a minute or two.

Timings are wall-clock medians. On a machine whose cores are busy with other work, threads wait for each
other and the figures mostly measure that; OPENBLAS_NUM_THREADS=1 (which sections match in PyTorch) gives
steadier ones.
"""

import argparse
import importlib
import json
import os
import platform
import time

from app import __version__
from app.bench import SECTIONS, progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench",
        help="run the speed benchmarks and print JSON",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--only",
        nargs="+",
        action="extend",
        choices=SECTIONS,
        metavar="SECTION",
        help=f"run only these sections (of: {', '.join(SECTIONS)})",
    )
    p.add_argument("--quick", action="store_true", help="fewer repetitions, skip the largest sizes")
    p.add_argument("--out", metavar="FILE", help="also write the JSON to FILE")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    names = [name for name in SECTIONS if not args.only or name in args.only]
    started = time.time()
    result = {
        "gradflow": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": _load_average(),
        "quick": args.quick,
        "sections": {},
    }
    for name in names:
        progress(f"bench: {name}")
        t0 = time.perf_counter()
        result["sections"][name] = importlib.import_module(f"app.bench.{name}").run(quick=args.quick)
        progress(f"bench: {name} done in {time.perf_counter() - t0:.1f} s")
    result["seconds"] = round(time.time() - started, 1)
    result["load_average_after"] = _load_average()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        progress(f"bench: wrote {args.out}")
    return 0


def _load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: figures taken on a busy machine say so."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None
