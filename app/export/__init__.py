"""A lesson as one HTML file that opens from disk with no server and no network (`gradflow export`).

    html = export_html(preset="vanishing")                  # one preset's view
    html = export_html(url="http://…/?preset=vanishing&spectral_radius=1.2", lesson=True)

view.py works out which requests the page makes for the view (and for every lesson scene, with
`lesson`); data.py asks the application for them through its own routes; page.py puts the page, its
styles, Plotly.js, its modules (bundle.py) and that data into one file (asgi.py passes the requests to the app in this process), where offline.js answers the
page's requests. Training runs are included for views that train, unless `train` is False.
"""

from collections.abc import Callable

from app.export.asgi import AppClient
from app.export.data import ExportError, collect
from app.export.page import PageError, render
from app.export.view import views_for
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
    with AppClient(app) as client:
        meta = client.get("/api/meta").json()
        start, views = views_for(meta, preset=preset, url=url, lesson=lesson, with_training=train)
        data = collect(client, meta, start, views, log)
        return render(client, data)
