"""A lesson as one HTML file that opens from disk with no server and no network (`gradflow export`).

    html = export_html(preset="vanishing")                  # one preset's view
    html = export_html(url="http://…/?preset=vanishing&spectral_radius=1.2", lesson=True)

views.py works out which requests the page makes for the view (and for every lesson scene, with
`lesson`); data.py asks the application for them through its own routes, in this process, with
Starlette's TestClient; page.py puts the page, its styles, Plotly.js, its modules (modules.js, built by
esbuild: `make bundle`) and that data into one file, where offline.js answers the page's requests.
Training runs are included for views that train, unless `train` is False.
"""

from collections.abc import Callable

from fastapi.testclient import TestClient

from app.export.data import ExportError, collect
from app.export.page import PageError, render
from app.export.views import views_for
from app.main import create_app
from app.settings import Settings

__all__ = ["ExportError", "PageError", "export_html"]


def export_html(
    *,
    preset: str | None = None,
    url: str | None = None,
    lesson: bool = False,
    train: bool = True,
    log: Callable[[str], None] = lambda _: None,
) -> str:
    """The page for a preset or a share URL (and the lesson's scenes), with its data, as one HTML document."""
    if preset is not None and url is not None:
        raise ValueError("give a preset or a URL, not both")
    if preset is None and url is None and not lesson:
        raise ValueError("give a preset, a URL or the lesson")
    settings = Settings()
    # A finished training run must stay in the cache: its downloads are answered from the streamed run.
    app = create_app(settings.model_copy(update={"cache_entries": max(settings.cache_entries, 256)}))
    # One client for the whole export: its requests share one event loop, so the app's cache and its
    # de-duplication of work in flight behave as in a server process. It runs the app on a thread of its
    # own, so a caller that already runs an event loop (a notebook, a test driving a browser) can use it.
    with TestClient(app, base_url="http://localhost") as client:
        meta = client.get("/api/meta").json()
        start, views = views_for(meta, preset=preset, url=url, lesson=lesson, with_training=train)
        data = collect(client, meta, start, views, log)
        return render(client, data)
