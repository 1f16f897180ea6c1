"""Trusted hosts: the server answers only to the names it is reached by.

A page on any site the teacher visits can point a name it controls at 127.0.0.1 (DNS rebinding) and then
read this server as if it were its own; the one thing it cannot forge is the Host header, which names its
own domain. So a request is answered only when its Host is one of:

- localhost, 127.0.0.1, [::1] (the default, a server on the teacher's laptop);
- the address the server is bound to, and when it is bound to every interface (0.0.0.0, ::) the
  machine's own addresses and name, which are what students type or scan;
- the host of GRADFLOW_PUBLIC_URL (a proxy or tunnel in front), and any name in GRADFLOW_ALLOWED_HOSTS.

Anything else gets a 400 in the API's error shape. The port is not checked: a proxy may change it.
"""

import socket

from starlette.types import ASGIApp, Receive, Scope, Send

from app.settings import Settings
from app.web.infrastructure.encode import JSONResponse
from app.web.routes.classroom import interface_addresses, public_host

LOCAL = ("localhost", "127.0.0.1", "::1")
EVERY_INTERFACE = ("0.0.0.0", "::", "")


def allowed_hosts(settings: Settings) -> set[str]:
    hosts = set(LOCAL) | set(settings.extra_hosts())
    if settings.host in EVERY_INTERFACE:
        hosts |= set(interface_addresses())
        name = socket.gethostname().lower()
        hosts |= {name, f"{name}.local"}
    else:
        hosts.add(settings.host.lower())
    if public := public_host(settings):
        hosts.add(public)
    return hosts


def host_name(header: str) -> str:
    """'Example.org:8000' -> 'example.org'; '[::1]:8000' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class TrustedHosts:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hosts = allowed_hosts(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if host_name(header) in self.hosts:
            await self.app(scope, receive, send)
            return
        body = {"message": "This server does not answer to that host name.", "detail": "untrusted_host"}
        await JSONResponse(body, 400)(scope, receive, send)
