"""GET /api/health: is the server up, which version is it, and how many computations are running."""

from fastapi import APIRouter, Request

from app import __version__

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/health", summary="Liveness, version, and computation slots in use in this process")
def health(request: Request) -> dict:
    limiter = request.app.state.limiter
    return {
        "status": "ok",
        "version": __version__,
        "computing": limiter.active,
        "slots": limiter.max_concurrent,
    }
