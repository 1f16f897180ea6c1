"""`gradflow serve`: start the web app under uvicorn and print the URL to open.

With --class it also starts a live class (app/web/live): the session is made in the server's own process
at start-up, with an id and teacher secret chosen here and handed over through an environment variable
that the app reads once and removes. It prints the link students join with and the teacher's local link,
whose `#teach=<secret>` fragment the page moves out of the address bar.
"""

import argparse
import os
import sys
import threading
import webbrowser

from app.settings import Settings, settings_or_exit


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
    p.add_argument(
        "--class",
        dest="live_class",
        action="store_true",
        help="start a live class: students follow this page on their screens (needs --workers 1; "
        "with --host 0.0.0.0 students on the same network can join)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    if args.live_class and args.workers > 1:  # sessions live in one process's memory
        print("gradflow: a live class needs a single worker process; start with --workers 1", file=sys.stderr)
        return 2

    # The app factory reads its Settings from the environment (in every worker process), so what was
    # chosen on the command line must reach it there.
    os.environ["GRADFLOW_HOST"] = args.host
    os.environ["GRADFLOW_PORT"] = str(args.port)
    os.environ["GRADFLOW_WORKERS"] = str(args.workers)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{args.port}/"
    if args.live_class:
        url = start_class(settings_or_exit(host=args.host, port=args.port, workers=1), url)
    else:
        print(f"Gradient Flow Lab: open {url}", flush=True)
    if args.open:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="app.web.infrastructure.connections:GuardedProtocol",  # header timeout and connection bound
        log_level="info",
    )
    return 0


def start_class(settings: Settings, url: str) -> str:
    """Choose the start-up session's id and secret, pass them to the app, print the links; returns the
    teacher's link."""
    from app.web.live.routes import start_warning
    from app.web.live.session import AT_START, new_id, new_secret
    from app.web.routes.classroom import classroom_urls

    session_id, secret = new_id(), new_secret()
    os.environ[AT_START] = f"{session_id}:{secret}"
    teacher = f"{url}?class={session_id}#teach={secret}"
    urls = classroom_urls(settings)
    print(f"Gradient Flow Lab: live class started. Teacher (this laptop only): {teacher}", flush=True)
    if urls:
        print(f"Students join at: {urls[0]}?class={session_id}", flush=True)
    else:
        print(
            f"Students cannot reach a server bound to {settings.host}: start it with --host 0.0.0.0 "
            "to let them join",
            flush=True,
        )
    if warning := start_warning(settings):
        print(f"Warning: {warning}", flush=True)
    return teacher
