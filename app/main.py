"""create_app(): wires routers, static files and middleware together. No logic lives here."""

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from app import __version__
from app.blas import single_threaded_blas
from app.paths import STATIC_DIR
from app.settings import Settings, settings_or_exit
from app.web.infrastructure import errors, openapi
from app.web.infrastructure.body_limit import BodyLimit
from app.web.infrastructure.cache import ResultCache
from app.web.infrastructure.disconnect import CancelOnDisconnect
from app.web.infrastructure.encode import GZIP_LEVEL
from app.web.infrastructure.head import HeadAsGet
from app.web.infrastructure.hosts import TrustedHosts
from app.web.infrastructure.limits import ComputeLimiter
from app.web.infrastructure.parent import exit_with_parent
from app.web.infrastructure.qr_process import QRDrawer
from app.web.infrastructure.security import SecurityHeaders
from app.web.live import routes as live
from app.web.live.session import store_at_start
from app.web.payloads import sequences, weights
from app.web.routes import classroom, export, gradcheck, health, meta, pages, trace, train, vendor


@asynccontextmanager
async def lifespan(app: FastAPI):
    """The QR drawing process starts with the server and ends with it."""
    await app.state.qr.start()
    try:
        yield
    finally:
        app.state.qr.stop()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or settings_or_exit()
    app = FastAPI(
        title="Gradient Flow Lab",
        version=__version__,
        description="Per-timestep hidden states, gates and gradient norms of RNN, LSTM and GRU, as JSON.",
        redirect_slashes=False,  # a redirect would be built from the Host header
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.cache = ResultCache(settings.cache_entries)
    app.state.limiter = ComputeLimiter(settings.max_concurrent)
    app.state.live = store_at_start()
    app.state.qr = QRDrawer()
    single_threaded_blas()
    exit_with_parent()
    errors.install(app)  # its 500 middleware is the innermost, so every error passes the ones below
    app.include_router(health.router)
    app.include_router(meta.router)
    app.include_router(trace.router)
    app.include_router(train.router)
    app.include_router(export.router)
    app.include_router(gradcheck.router)
    app.include_router(weights.router)
    app.include_router(sequences.router)
    app.include_router(classroom.router)
    app.include_router(live.router)
    app.include_router(vendor.router)
    app.include_router(pages.router)
    openapi.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(CancelOnDisconnect)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=GZIP_LEVEL)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        read_timeout=settings.header_timeout,
        larger={"/api/weights": weights.MAX_BODY, "/api/input": sequences.MAX_BODY},
    )
    app.add_middleware(HeadAsGet)
    app.add_middleware(TrustedHosts, settings=settings)
    app.add_middleware(SecurityHeaders)
    return app
