"""GET /: the one page. The template places the layout; every number on it comes from the JSON API."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app import __version__
from app.paths import TEMPLATES_DIR
from app.web.routes.vendor import plotly_url

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # autoescape is on for .html

router = APIRouter(tags=["page"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "index.html",
        {"version": __version__, "plotly_url": plotly_url()},
    )
