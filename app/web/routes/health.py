"""GET /api/health: is the server up, which version is it, and how many computations are running."""

from fastapi import APIRouter, Request

from app import __version__

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/health", summary="Liveness, version, and computation slots in use in this process")
async def health(request: Request) -> dict:
    """Answered on the event loop itself: a plain `def` would be sent to the thread pool, and during a flood
    of requests the answer would queue behind them twice, going there and coming back."""
    limiter = request.app.state.limiter
    return {
        "status": "ok",
        "version": __version__,
        "computing": limiter.active,
        "slots": limiter.max_concurrent,
    }
