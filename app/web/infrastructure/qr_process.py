"""QR codes drawn in a process of their own, started with the server.

segno is pure Python: drawing a 2000-byte link keeps the interpreter busy for tens of milliseconds, and in
a thread that would hold the interpreter lock against the event loop (health checks waited seconds during a
flood of QR requests). So the drawings run in one child process. It is started (spawned, not forked: the
server has threads) in the app's lifespan and warmed with one drawing, so that the first QR requests of a
class do not wait for a new interpreter while the event loop is answering everyone else; a server run
without its lifespan (a bare test client) starts it at the first drawing instead.

The child imports this module to find `draw_qr`, and this module imports only segno and the standard
library: the child starts in a fraction of a second and holds a few megabytes, not the web framework and
NumPy. It ignores Ctrl+C (a terminal sends it to the whole process group; the server stops it at shutdown)
and ends with its parent however that ends (app/web/infrastructure/parent.py).
"""

import asyncio
import io
import logging
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import segno

from app.web.infrastructure.parent import exit_with_parent

log = logging.getLogger("gradflow.api")

WARM_URL = "http://127.0.0.1:8000/"


def draw_qr(url: str) -> bytes:
    """The SVG of a QR code of `url` at error correction level M."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2, xmldecl=False, title="QR code")
    return buf.getvalue()


def _child_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


class QRDrawer:
    """One drawing process, started by start() (or the first draw()), stopped by stop()."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_child_start)
        return self._pool

    async def draw(self, url: str) -> bytes:
        """The SVG of `url`'s QR code, drawn in the child process. A child that died (killed, out of
        memory) is replaced by a new one, which draws the code; a second failure is raised."""
        try:
            return await self._draw_in(self._started(), url)
        except BrokenProcessPool:
            log.warning("the QR drawing process ended; starting a new one")
        return await self._draw_in(self._started(), url)

    async def _draw_in(self, pool: ProcessPoolExecutor, url: str) -> bytes:
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, draw_qr, url)
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None  # the next drawing starts a new child
            raise

    async def start(self) -> None:
        """Start the child and draw one code, so that it has imported segno before the first request. A
        failure is logged, not raised: the server still starts, and the first QR request tries again."""
        try:
            await self.draw(WARM_URL)
        except Exception:
            log.exception("the QR drawing process did not start; the first QR request will try again")

    def stop(self) -> None:
        """End the child (a drawing in progress is finished first; queued ones are cancelled)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
