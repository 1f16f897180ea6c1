"""Processes the server starts end when it ends, however it ends.

uvicorn's worker processes (`--workers N`) and the QR drawing process are children of the server; a
`kill -9` of the parent, or a signal that ends it before its shutdown code runs, would otherwise leave them
running (the workers holding the port and computing). This module imports only the standard library, so a
child that imports it to watch its parent starts quickly.
"""

import logging
import multiprocessing
import os
import threading
from multiprocessing.connection import wait

log = logging.getLogger("gradflow.api")

_WATCHING: list = []


def exit_with_parent() -> None:
    """In a process started with multiprocessing, end this process when its parent ends. multiprocessing's
    parent sentinel works the same on Windows, macOS and Linux; in a process started any other way this
    does nothing."""
    parent = multiprocessing.parent_process()
    if parent is None or _WATCHING:
        return
    _WATCHING.append(parent)

    def watch() -> None:
        wait([parent.sentinel])
        log.warning("the parent process has ended; this process (%s) exits too", os.getpid())
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
