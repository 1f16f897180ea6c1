"""`gradflow export --preset NAME | --url SHARE_URL [--lesson] --out lesson.html`: one HTML file that opens
from disk, with no server and no network: the page, Plotly.js and the data of that view inside it (and of
every lesson scene with --lesson). Settings changed in the file beyond what was exported show a message
saying so. Views that train carry their training run, replayed when Train is pressed (--no-train leaves
it out: a smaller file, made faster).
"""

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="save a view (and the lesson) as one HTML file that needs no server",
        description=__doc__.split(": ", 1)[1],
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--preset", metavar="NAME", help="the preset to open on (see GET /api/presets)")
    which.add_argument("--url", metavar="SHARE_URL", help="a link the page's Share button copied")
    p.add_argument("--lesson", action="store_true", help="also every lesson scene (opens on scene 1 alone)")
    p.add_argument("--no-train", dest="train", action="store_false", help="leave training runs out")
    p.add_argument("--out", required=True, type=Path, help="the HTML file to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.export import ExportError, PageError, export_html

    if args.preset is None and args.url is None and not args.lesson:
        print("gradflow export: give --preset, --url or --lesson", file=sys.stderr)
        return 2
    try:
        html = export_html(
            preset=args.preset,
            url=args.url,
            lesson=args.lesson,
            train=args.train,
            log=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except (ValueError, ExportError, PageError) as exc:
        print(f"gradflow export: {exc}", file=sys.stderr)
        return 2
    args.out.write_text(html, encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 2**20:.1f} MiB); open it in a browser, no server needed")
    return 0
