"""The web layer: FastAPI routers (one per area), request schemas and the page. Imports app.core, never the reverse."""
