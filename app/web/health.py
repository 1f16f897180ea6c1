"""GET /api/health: is the server up, and which version is it."""

from fastapi import APIRouter

from app import __version__

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/health", summary="Liveness and version")
def health() -> dict:
    return {"status": "ok", "version": __version__}
