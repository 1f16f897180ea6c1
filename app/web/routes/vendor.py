"""Plotly.js, served from copies that ship with the application; nothing on the page is ever loaded from a CDN
(school networks, offline laptops).

    /vendor/plotly-cartesian-<version>.min.js   what the page loads: Plotly's cartesian bundle (1.5 MB), every
                                                trace type the page draws (scatter, bar, heatmap), vendored in
                                                app/vendor/ from the npm package plotly.js-cartesian-dist-min
    /vendor/plotly-<version>.min.js             the full bundle (4.8 MB), the copy the installed `plotly`
                                                Python package ships

Both are the plotly.js version the `plotly` package bundles (tests/web/routes/test_vendor.py holds the vendored copy
to it; `make vendor` refreshes it). Should another `plotly` be installed, its version no longer matches the
vendored file and the page loads that package's full bundle instead, so the page always runs the plotly.js
that the installed package names. The URL carries the version, so a file can be cached for a year: a new
version is a new URL.

Each file goes out with one comment line before it, V8's compile hint `//# allFunctionsCalledOnLoad`
(Chromium 136 and later; other engines read a comment). Plotly runs nearly all of its code when it loads,
and without the hint Chromium compiles those functions one by one on the main thread as they are first
called; with it, they are compiled while the file streams in, on a background thread. It is compressed once
per process, not per request. `gradflow bench --only page_speed` measures the page's load.
"""

import gzip
import json
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

COMPILE_HINT = b"//# allFunctionsCalledOnLoad\n"
FULL = "full"
CARTESIAN = "cartesian"
CARTESIAN_DIR = files("app").joinpath("vendor", "plotly.js-cartesian-dist-min")


@cache
def plotly_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


@cache
def _shipped(bundle: str) -> bytes:
    if bundle == CARTESIAN:
        return CARTESIAN_DIR.joinpath("plotly-cartesian.min.js").read_bytes()
    return files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()


@cache
def cartesian_version() -> str:
    """The vendored bundle's version, from the npm package's own package.json that `make vendor` copies."""
    return json.loads(CARTESIAN_DIR.joinpath("package.json").read_text(encoding="utf-8"))["version"]


def plotly_url(bundle: str | None = None) -> str:
    """The URL of a bundle; by default the one the page loads (cartesian, unless its version differs)."""
    if bundle is None:
        bundle = CARTESIAN if cartesian_version() == plotly_version() else FULL
    if bundle == CARTESIAN:
        return f"/vendor/plotly-cartesian-{cartesian_version()}.min.js"
    return f"/vendor/plotly-{plotly_version()}.min.js"


@cache
def plotly_source(bundle: str = FULL) -> bytes:
    """What /vendor serves: the shipped file, byte for byte, after the compile hint."""
    return COMPILE_HINT + _shipped(bundle)


@cache
def plotly_source_gzip(bundle: str = FULL) -> bytes:
    """Compressed once per process: the GZip middleware would otherwise spend CPU on megabytes per page load."""
    return gzip.compress(plotly_source(bundle), compresslevel=9, mtime=0)


def _answer(bundle: str, request: Request) -> Response:
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
    body = plotly_source(bundle)
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = plotly_source_gzip(bundle)
        headers["Content-Encoding"] = "gzip"  # the GZip middleware leaves encoded responses alone
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


router = APIRouter(tags=["page"])


# Before the full bundle's route, whose {version} would match "cartesian-…" too.
@router.get("/vendor/plotly-cartesian-{version}.min.js", include_in_schema=False)
def plotly_cartesian_js(version: str, request: Request) -> Response:
    if version != cartesian_version():
        raise HTTPException(status_code=404, detail=f"this server has Plotly.js {cartesian_version()}")
    return _answer(CARTESIAN, request)


@router.get("/vendor/plotly-{version}.min.js", include_in_schema=False)
def plotly_js(version: str, request: Request) -> Response:
    if version != plotly_version():
        raise HTTPException(status_code=404, detail=f"this server has Plotly.js {plotly_version()}")
    return _answer(FULL, request)
