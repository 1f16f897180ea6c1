"""Connections: uvicorn's HTTP/1.1 protocol with a header timeout and a bound on open connections.

uvicorn times out idle keep-alive connections but not one that never finishes its request headers, so
a client that opens connections and sends nothing (or one byte a minute) keeps them, and their file
descriptors, for ever; at the file limit (256 by default on macOS) the server cannot accept the next
browser. `GuardedProtocol` closes a connection whose headers have not all arrived `header_timeout`
seconds after it opened (or after its previous response), and keeps at most `max_connections` open:
more close the connections that have waited longest without a request in progress (or, when every
one is busy, the new one). The bound is also kept below the process's file limit, leaving FILE_RESERVE
descriptors for everything else (static files, the thread pool, logs).

Select it with `--http app.web.infrastructure.connections:GuardedProtocol` (gradflow serve does).
"""

from uvicorn.protocols.http.h11_impl import H11Protocol

from app.settings import settings_or_exit

FILE_RESERVE = 64

try:  # POSIX only; Windows has no per-process descriptor limit of this kind
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None


def connection_bound(configured: int) -> int:
    """`configured`, lowered to fit the soft file limit less FILE_RESERVE."""
    if resource is None:
        return configured
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return configured
    return max(8, min(configured, soft - FILE_RESERVE))


_LIMITS: dict[str, float] = {}


def _limits() -> dict[str, float]:
    if not _LIMITS:
        settings = settings_or_exit()
        _LIMITS["header_timeout"] = settings.header_timeout
        _LIMITS["max_connections"] = connection_bound(settings.max_connections)
    return _LIMITS


class GuardedProtocol(H11Protocol):
    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        limits = _limits()
        self._answered = None  # the request whose headers arrived last
        self._timer = None
        self._arm(limits["header_timeout"])
        excess = len(self.connections) - limits["max_connections"]
        if excess > 0:
            self._make_room(excess)

    def _waiting(self) -> bool:
        """No request in progress: headers not yet complete, or the last response already sent."""
        return self.cycle is None or self.cycle.response_complete

    def _make_room(self, excess: int) -> None:
        """Close `excess` connections, those waiting longest without a request first; this one when
        no other is idle. (accept() takes a whole burst before any of them is seen here, so the count
        can be well over the bound at once.)"""
        idle = [c for c in self.connections if c is not self and getattr(c, "_timer", None) and c._waiting()]
        idle.sort(key=lambda c: c._since)
        victims = idle[:excess] if idle else [self]
        for victim in victims:
            victim.transport.close()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._since = self.loop.time()
        self._timer = self.loop.call_later(seconds, self._expire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self._timer = None
        if self._waiting() and not self.transport.is_closing():
            self.transport.close()

    def _check_headers(self) -> None:
        if self.cycle is not None and self.cycle is not self._answered:
            self._answered = self.cycle
            self._disarm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._check_headers()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm(_limits()["header_timeout"])
            self._check_headers()  # a pipelined request may already have started

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)
