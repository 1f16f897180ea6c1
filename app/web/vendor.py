"""Plotly.js, served from the copy that the installed `plotly` Python package ships.

The URL carries Plotly.js's version, so the file can be cached for a year: a new version is a new URL.
Nothing on the page is ever loaded from a CDN (school networks, offline laptops).
"""

from functools import cache
from importlib.resources import files

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response


@cache
def plotly_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def plotly_url() -> str:
    return f"/vendor/plotly-{plotly_version()}.min.js"


@cache
def plotly_source() -> bytes:
    return files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()


router = APIRouter(tags=["page"])


@router.get("/vendor/plotly-{version}.min.js", include_in_schema=False)
def plotly_js(version: str) -> Response:
    if version != plotly_version():
        raise HTTPException(status_code=404, detail=f"this server has Plotly.js {plotly_version()}")
    return Response(
        plotly_source(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
