"""Students joining: the addresses this server can be reached at, and a QR code of a link to the current view.

The QR code is drawn on the server (segno, pure Python) as SVG, so the page needs no network and no inline
script; it is drawn in a process of its own (qr_process.py), so the event loop keeps answering meanwhile.
A server bound to 127.0.0.1 (the default) cannot be reached by students; the page says so and names the
command that exposes it (`gradflow serve --host 0.0.0.0`), because a laptop on a school network should
never expose itself by accident.
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import ifaddr
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.settings import Settings
from app.web.infrastructure.errors import error_responses, invalid

router = APIRouter(prefix="/api/classroom", tags=["classroom"])

# A QR code at error correction level M holds at most 2331 bytes; the link is UTF-8, so its limit is in
# bytes (800 Hangul characters are 2400 bytes), and characters are bounded too so that the query is short.
MAX_URL_CHARS = 2000
MAX_URL_BYTES = 2000


def interface_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces, loopback excluded (ifaddr: the same call on
    Windows, macOS and Linux)."""
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if ip.is_IPv4 and not ipaddress.ip_address(ip.ip).is_loopback and ip.ip not in found:
                found.append(ip.ip)
    return found


def public_host(settings: Settings) -> str | None:
    """The host name of GRADFLOW_PUBLIC_URL, lower-case, or None."""
    if not settings.public_url:
        return None
    return urlsplit(settings.public_url).hostname


def classroom_urls(settings: Settings) -> list[str]:
    """The URLs students on the same network could open, given the address the server is bound to."""
    host, port = settings.host, settings.port
    if settings.public_url:
        return [settings.public_url.rstrip("/") + "/"]
    if host in ("0.0.0.0", "::"):
        return [f"http://{a}:{port}/" for a in interface_addresses()]
    if ipaddress.ip_address(host if host != "localhost" else "127.0.0.1").is_loopback:
        return []
    return [f"http://{host}:{port}/"]


@router.get("", summary="Where students can reach this server")
def classroom(request: Request) -> dict:
    settings = request.app.state.settings
    urls = classroom_urls(settings)
    return {
        "bound_host": settings.host,
        "port": settings.port,
        "reachable_from_network": bool(urls),
        "urls": urls,
        "how_to_expose": "gradflow serve --host 0.0.0.0",
    }


@dataclass(frozen=True)
class QRCode:
    svg: bytes

    @property
    def nbytes(self) -> int:
        return len(self.svg)


@router.get(
    "/qr.svg",
    summary="QR code (SVG) of a link",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}}}
    | error_responses(422, 503),
)
async def qr_svg(
    request: Request,
    url: str = Query(
        ...,
        min_length=1,
        max_length=MAX_URL_CHARS,
        description=f"an http(s) link to encode, at most {MAX_URL_CHARS} characters and {MAX_URL_BYTES} "
        "bytes as UTF-8",
        examples=["http://192.168.1.20:8000/?preset=vanishing&lang=ko"],
    ),
) -> Response:
    """Drawing a QR code is pure-Python work: it takes a computation slot like a trace (503 when none is
    free), and a link drawn once is answered from the cache."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return invalid("url", "url must be an http:// or https:// link", "url_scheme")
    size = len(url.encode("utf-8", "surrogatepass"))
    if size > MAX_URL_BYTES:
        message = f"url must be at most {MAX_URL_BYTES} bytes as UTF-8 (got {size})"
        return invalid("url", message, "url_too_long", MAX_URL_BYTES, size)
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:
        return invalid("url", "url must be valid Unicode text", "url_text")
    state = request.app.state

    async def compute() -> QRCode:
        async with state.limiter.slot():
            return QRCode(await state.qr.draw(url))

    code, _ = await state.cache.get_or_compute("qr:" + url, compute)
    return Response(code.svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
