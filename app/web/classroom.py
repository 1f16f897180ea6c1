"""Students joining: the addresses this server can be reached at, and a QR code of a link to the current view.

The QR code is drawn on the server (segno, pure Python) as SVG, so the page needs no network and no inline
script. A server bound to 127.0.0.1 (the default) cannot be reached by students; the page says so and names
the command that exposes it (`gradflow serve --host 0.0.0.0`), because a laptop on a school network should
never expose itself by accident.
"""

import fcntl
import io
import ipaddress
import os
import socket
import struct
from urllib.parse import urlsplit

import segno
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

router = APIRouter(prefix="/api/classroom", tags=["classroom"])

MAX_URL_CHARS = 2000
_SIOCGIFADDR = 0x8915  # Linux ioctl: read an interface's IPv4 address without sending any packet


def _interface_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces, loopback excluded."""
    found: list[str] = []
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return found
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for name in names:
            try:
                packed = fcntl.ioctl(s.fileno(), _SIOCGIFADDR, struct.pack("256s", name[:15].encode()))
            except OSError:
                continue
            addr = socket.inet_ntoa(packed[20:24])
            if not ipaddress.ip_address(addr).is_loopback:
                found.append(addr)
    return found


def classroom_urls(host: str, port: int) -> list[str]:
    """The URLs students on the same network could open, given the address the server is bound to."""
    public = os.environ.get("GRADFLOW_PUBLIC_URL")
    if public:
        return [public.rstrip("/") + "/"]
    if host in ("0.0.0.0", "::"):
        return [f"http://{a}:{port}/" for a in _interface_addresses()]
    if ipaddress.ip_address(host if host != "localhost" else "127.0.0.1").is_loopback:
        return []
    return [f"http://{host}:{port}/"]


@router.get("", summary="Where students can reach this server")
def classroom(request: Request) -> dict:
    settings = request.app.state.settings
    urls = classroom_urls(settings.host, settings.port)
    return {
        "bound_host": settings.host,
        "port": settings.port,
        "reachable_from_network": bool(urls),
        "urls": urls,
        "how_to_expose": "gradflow serve --host 0.0.0.0",
    }


@router.get(
    "/qr.svg",
    summary="QR code (SVG) of a link",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
def qr_svg(
    url: str = Query(
        ...,
        min_length=1,
        max_length=MAX_URL_CHARS,
        description=f"an http(s) link to encode, at most {MAX_URL_CHARS} characters",
        examples=["http://192.168.1.20:8000/?preset=vanishing&lang=ko"],
    ),
) -> Response:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HTTPException(status_code=422, detail="url must be an http:// or https:// link")
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2, xmldecl=False, title="QR code")
    return Response(buf.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
