"""The OpenAPI document states every error a route can send, in the one shape they all have (ErrorBody).

FastAPI declares a 422 of its own shape ({detail: [{loc, msg, type}]}) for every route with parameters,
and nothing for the errors raised around the routes. This rewrites the document once, for all routes:

- 400 on every operation: a Host this server does not answer to (hosts.py);
- 404 where the path has a parameter (an unknown preset name);
- 408 and 413 on every operation with a body: one that stops arriving, or is too large (body_limit.py);
- 422 on every operation with parameters or a body, in ErrorBody's shape;
- 503 on every operation that takes a computation slot (COMPUTING), with Retry-After.
"""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.web.infrastructure.errors import ErrorBody

COMPUTING = ("/api/trace", "/api/train", "/api/export/", "/api/gradcheck", "/api/classroom/qr.svg")
_REF = {"$ref": "#/components/schemas/ErrorBody"}
WORDS = {
    "400": "The Host header names a host this server does not answer to.",
    "404": "Nothing by that name.",
    "408": "The request body stopped arriving for GRADFLOW_HEADER_TIMEOUT seconds.",
    "413": "The request body is larger than the limit (GRADFLOW_MAX_BODY_BYTES).",
    "422": "A field out of bounds, unknown or mistyped, or too much work; `message` names the field.",
    "503": "Busy: retry after the number of seconds in Retry-After.",
}


def _error(status: str) -> dict:
    entry = {"description": WORDS[status], "content": {"application/json": {"schema": _REF}}}
    if status == "503":
        entry["headers"] = {"Retry-After": {"schema": {"type": "string"}, "description": "seconds"}}
    return entry


def install(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_body.pop("$defs", {}))
        components["ErrorBody"] = error_body
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                statuses = ["400"]
                if "{" in path:
                    statuses.append("404")
                if "requestBody" in operation:
                    statuses += ["408", "413"]
                if "requestBody" in operation or operation.get("parameters"):
                    statuses.append("422")
                if path.startswith(COMPUTING):
                    statuses.append("503")
                for status in statuses:
                    responses[status] = _error(status)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
