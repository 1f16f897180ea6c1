"""The `gradflow` command. Each subcommand lives in its own module with `register(subparsers)`;
to add one, write the module and list it in SUBCOMMANDS."""

import argparse
import importlib

from app import __version__

SUBCOMMANDS = ["app.cli.serve", "app.cli.experiment", "app.cli.bench", "app.cli.export", "app.cli.trace"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradflow",
        description="Gradient Flow Lab: watch gradients flow, and vanish, through RNN, LSTM and GRU networks.",
    )
    parser.add_argument("--version", action="version", version=f"gradflow {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)
