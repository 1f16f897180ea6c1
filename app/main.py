"""create_app(): wires routers, static files and middleware together. No logic lives here."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import __version__
from app.paths import STATIC_DIR
from app.settings import Settings
from app.web import classroom, health, pages, vendor
from app.web.security import SecurityHeaders


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="Gradient Flow Lab",
        version=__version__,
        description="Per-timestep hidden states, gates and gradient norms of RNN, LSTM and GRU, as JSON.",
    )
    app.state.settings = settings
    app.include_router(health.router)
    app.include_router(classroom.router)
    app.include_router(vendor.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SecurityHeaders)
    return app
