"""`gradflow serve`: start the web app under uvicorn and print the URL to open."""

import argparse
import os
import threading
import webbrowser

from app.settings import settings_or_exit


def register(sub: argparse._SubParsersAction) -> None:
    defaults = settings_or_exit()
    p = sub.add_parser(
        "serve",
        help="start the web app",
        description="Start the web app. By default it listens on 127.0.0.1 only, so a laptop on a classroom "
        "network does not expose itself by accident; pass --host 0.0.0.0 to let students on the same "
        "network join.",
    )
    p.add_argument(
        "--host", default=defaults.host, help="address to bind (default %(default)s; env GRADFLOW_HOST)"
    )
    p.add_argument(
        "--port", type=int, default=defaults.port, help="port (default %(default)s; env GRADFLOW_PORT)"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=defaults.workers,
        help="worker processes (default %(default)s; env GRADFLOW_WORKERS); each keeps its own result cache",
    )
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    # The app factory reads its Settings from the environment (in every worker process), so what was
    # chosen on the command line must reach it there.
    os.environ["GRADFLOW_HOST"] = args.host
    os.environ["GRADFLOW_PORT"] = str(args.port)
    os.environ["GRADFLOW_WORKERS"] = str(args.workers)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{args.port}/"
    print(f"Gradient Flow Lab: open {url}", flush=True)
    if args.open:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="app.web.connections:GuardedProtocol",  # header timeout and connection bound
        log_level="info",
    )
    return 0
