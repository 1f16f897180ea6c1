"""Every error a client can see, as JSON with one plain sentence it can show next to a control.

- 422: a field out of bounds, unknown, mistyped, or a request that is too much work. `message` names the
  field and the limit ("T must be at most 500 (got 5000)"); `detail` lists every problem with `field`,
  `loc`, `type`, and where there is one, `limit` and `got`.
- 503: the process is computing as many requests as it allows; `Retry-After` says when to come back.
- 500: a bug. The client gets a generic sentence; the traceback goes to the server log only, at most a
  few times a minute for the same error (`RateLimitedLog`). `InternalErrors` sends it from inside the
  middleware stack, so it carries the security headers and the keep-alive connection stays usable.
- a body that is not JSON at all (not UTF-8, nested deeper than the parser goes) is a 422 like any other
  invalid body; a body over the size limit is a 413, one that stops arriving a 408; a Host this server
  does not answer to is a 400.
Other HTTP errors (404, 405) keep FastAPI's `detail` and gain the same `message` key. Every error body
has the shape of `ErrorBody`, which the OpenAPI document declares for every error status.
"""

import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.infrastructure.encode import JSONResponse
from app.web.infrastructure.limits import Busy, WorkBudgetExceeded

log = logging.getLogger("gradflow.api")

# FastAPI's answer when the body is not parseable at all: invalid UTF-8, or JSON nested past the parser's
# recursion limit. Both are the client's invalid body, not a different kind of error.
_UNPARSEABLE = "There was an error parsing the body"

_SOURCES = ("body", "query", "path", "header", "cookie")


class ConfigError(Exception):
    """A configuration that passed the field bounds but is inconsistent (e.g. example ≥ batch)."""

    def __init__(self, field: str, message: str, kind: str = "config", got: Any = None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.kind = kind  # the detail's `type`, for a page that says the same in another language
        self.got = got


def field_name(loc: tuple | list) -> str:
    """('body', 'cells', 0) -> 'cells[0]'; union-member tags that pydantic adds to loc are dropped."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if not parts:
        return "body"
    name = str(parts[0])
    for part in parts[1:]:
        if isinstance(part, int):
            name += f"[{part}]"
    return name


def _shown(value: Any) -> str:
    """The offending value as the user typed it: query values arrive as text, so "5000" is shown bare."""
    if isinstance(value, str):
        try:
            float(value)
            return value
        except ValueError:
            pass
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def printable(value: Any) -> Any:
    """`value` with every string made encodable as UTF-8: a lone surrogate ("\\ud800", which JSON's
    escapes allow) becomes its escape sequence, in keys and values, at any depth."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list | tuple):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    return value


def _echo(value: Any) -> Any:
    """The offending value, as JSON can carry it: integers beyond 64 bits and long text as short text."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        return _shown(value)
    if isinstance(value, str) and len(value) > 40:
        return _shown(value)
    return value


def plain_message(error: dict) -> tuple[str, str, Any]:
    """(field, sentence, limit) for one pydantic error dict."""
    field = field_name(error.get("loc", ()))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    got = error.get("input")
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        key, words = {
            "less_than_equal": ("le", "at most"),
            "less_than": ("lt", "less than"),
            "greater_than_equal": ("ge", "at least"),
            "greater_than": ("gt", "greater than"),
        }[kind]
        limit = ctx.get(key)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # "at most 20", not "at most 20.0"
        return field, f"{field} must be {words} {limit} (got {_shown(got)})", limit
    if kind == "extra_forbidden":
        return field, f"'{field}' is not a parameter of this request (GET /api/meta lists them)", None
    if kind == "missing":
        if field == "body":
            return field, "the request needs a JSON object body ({} takes every default)", None
        return field, f"{field} is required", None
    if kind in ("literal_error", "enum"):
        return field, f"{field} must be one of {ctx.get('expected')} (got {_shown(got)})", ctx.get("expected")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return field, f"{field} must be a whole number (got {_shown(got)})", None
    if kind in ("float_parsing", "float_type"):
        return field, f"{field} must be a number (got {_shown(got)})", None
    if kind == "finite_number":
        return field, f"{field} must be a finite number (got {_shown(got)})", None
    if kind in ("bool_parsing", "bool_type"):
        return field, f"{field} must be true or false (got {_shown(got)})", None
    if kind == "too_short":
        n = ctx.get("min_length")
        return (
            field,
            f"{field} must have at least {n} item{'s' * (n != 1)} (got {ctx.get('actual_length')})",
            n,
        )
    if kind == "too_long":
        n = ctx.get("max_length")
        return (
            field,
            f"{field} must have at most {n} item{'s' * (n != 1)} (got {ctx.get('actual_length')})",
            n,
        )
    if kind in ("list_type", "tuple_type"):
        return field, f"{field} must be a list (got {_shown(got)})", None
    if kind == "string_unicode":
        return field, f"{field} must be valid Unicode text (a lone surrogate such as \\ud800 is not)", None
    if kind in ("string_too_short", "string_too_long"):
        n = ctx.get("min_length") if kind == "string_too_short" else ctx.get("max_length")
        words = "at least" if kind == "string_too_short" else "at most"
        got_n = len(got) if isinstance(got, str) else "?"
        return field, f"{field} must have {words} {n} character{'s' * (n != 1)} (got {got_n})", n
    if kind == "string_type":
        return field, f"{field} must be a text value within its length limit (got {_shown(got)})", None
    if kind == "json_invalid":
        return "body", f"the request body is not valid JSON ({ctx.get('error', 'parse error')})", None
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "body", "the request body must be a JSON object", None
    if kind == "value_error":
        return field, str(ctx.get("error", error.get("msg", "invalid value"))), None
    return field, f"{field}: {error.get('msg', 'invalid value')}", None


class ErrorItem(BaseModel):
    field: str
    loc: list[str | int]
    message: str
    type: str
    limit: Any = None
    got: Any = None


class ErrorBody(BaseModel):
    """Every 4xx and 5xx body: one sentence to show, and either the list of problems (422) or a short
    code or text (`busy`, `internal_error`, "Not Found")."""

    message: str
    detail: list[ErrorItem] | str


# What a route that runs a configuration can answer because of its `weights` field (app/web/payloads/weights.py).
WEIGHTS_GONE = (404, 410)


def error_responses(*statuses: int) -> dict:
    """OpenAPI `responses` entries for these error statuses, all with the ErrorBody shape."""
    words = {
        400: "The Host header names a host this server does not answer to.",
        408: "The request body stopped arriving for GRADFLOW_HEADER_TIMEOUT seconds.",
        404: "The uploaded network that `weights` names is not held by this server (never uploaded here).",
        410: "The uploaded network that `weights` names is no longer held (uploads expire); upload it again.",
        413: "The request body is larger than the limit (GRADFLOW_MAX_BODY_BYTES).",
        422: "A field out of bounds, unknown or mistyped, or too much work; `message` names the field.",
        503: "Busy: retry after the number of seconds in Retry-After.",
    }
    return {s: {"model": ErrorBody, "description": words.get(s, "Error.")} for s in statuses}


def invalid(field: str, message: str, kind: str, limit: Any = None, got: Any = None) -> JSONResponse:
    """A 422 with one problem, for checks made outside the schemas (a QR link's length in bytes)."""
    item = {"field": field, "loc": [field], "message": message, "type": kind}
    if limit is not None:
        item["limit"] = limit
    if got is not None:
        item["got"] = got
    return _unprocessable([item])


def _unprocessable(items: list[dict]) -> JSONResponse:
    items = printable(items)
    return JSONResponse({"message": items[0]["message"], "detail": items}, status_code=422)


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    items = []
    for error in exc.errors():
        field, message, limit = plain_message(error)
        item = {
            "field": field,
            "loc": list(error.get("loc", ())),
            "message": message,
            "type": error.get("type"),
        }
        if limit is not None:
            item["limit"] = limit
        if "input" in error and isinstance(error["input"], (int, float, str, bool)):
            item["got"] = _echo(error["input"])
        items.append(item)
    if not items:
        items = [{"field": "body", "loc": [], "message": "the request is not valid", "type": "invalid"}]
    return _unprocessable(items)


async def _config(request: Request, exc: ConfigError) -> JSONResponse:
    item = {"field": exc.field, "loc": [exc.field], "message": exc.message, "type": exc.kind}
    if exc.got is not None:
        item["got"] = exc.got
    return _unprocessable([item])


async def _budget(request: Request, exc: WorkBudgetExceeded) -> JSONResponse:
    item = {"field": "work", "loc": ["work"], "message": exc.message, "type": "work_budget"}
    item |= {"limit": exc.budget, "got": exc.work}
    return _unprocessable([item])


async def _busy(request: Request, exc: Busy) -> JSONResponse:
    return JSONResponse(
        {"message": f"The server is busy; retry in {exc.retry_after} s.", "detail": "busy"},
        status_code=503,
        headers={"Retry-After": str(exc.retry_after)},
    )


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail
    if exc.status_code == 400 and detail == _UNPARSEABLE:
        message = (
            "the request body is not valid JSON: it must be UTF-8 text, nested at most a few hundred deep"
        )
        return _unprocessable(
            [{"field": "body", "loc": ["body"], "message": message, "type": "json_invalid"}]
        )
    if exc.status_code in (408, 413):  # the body was not read to its end: the connection cannot go on
        body = {"message": detail, "detail": "too_large" if exc.status_code == 413 else "body_timeout"}
        return JSONResponse(body, status_code=exc.status_code, headers={"Connection": "close"})
    message = detail if isinstance(detail, str) else "request failed"
    return JSONResponse(
        {"message": message, "detail": detail}, status_code=exc.status_code, headers=exc.headers
    )


class InternalErrors:
    """ASGI middleware, innermost of ours: an exception no handler took becomes a JSON 500 sent through
    the rest of the stack (so it has the security headers and the connection stays open), logged once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            log.error("unhandled error on %s %s", scope["method"], scope["path"], exc_info=exc)
            if started:
                return  # the response is under way: the server closes the connection, nothing else to do
            body = {"message": "Internal error; it has been logged.", "detail": "internal_error"}
            await JSONResponse(body, 500)(scope, receive, send)


class RateLimitedLog(logging.Filter):
    """Lets through at most `burst` records of one kind (logger and message template) per `window`
    seconds, then one line saying how many were dropped: a flood of the same error (a client repeating a
    bad request, accept() failing while files run out) cannot fill the disk or drown the log."""

    def __init__(self, burst: int = 5, window: float = 60.0):
        super().__init__()
        self.burst = burst
        self.window = window
        self._seen: dict[tuple[str, str], list] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        started, count, dropped = self._seen.get(key, (now, 0, 0))
        if now - started > self.window:
            if dropped:
                record.msg = f"{record.msg} (and {dropped} more like it in the last {self.window:.0f} s)"
            started, count, dropped = now, 0, 0
        if count >= self.burst:
            self._seen[key] = [started, count, dropped + 1]
            return False
        self._seen[key] = [started, count + 1, dropped]
        if len(self._seen) > 1000:
            self._seen.clear()
        return True


_FILTER = RateLimitedLog()
LOGGERS = ("gradflow.api", "uvicorn.error", "asyncio")


def install(app: FastAPI) -> None:
    """Register the handlers above on `app`, the 500 middleware, and the rate limit on the server's logs."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ConfigError, _config)
    app.add_exception_handler(WorkBudgetExceeded, _budget)
    app.add_exception_handler(Busy, _busy)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_middleware(InternalErrors)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
