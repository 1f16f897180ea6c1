"""A limit on the size of a request body (settings.max_body_bytes), enforced before it is parsed.

A body announced larger than the limit (Content-Length) is refused with 413 before a byte of it is read;
a chunked body is counted as it arrives and refused as soon as it passes the limit. Every body the API
takes is a configuration of a few hundred bytes, so the limit can be small, and a client cannot make the
server hold (or parse on its event loop) a hundred megabytes. A body that stops arriving for
`read_timeout` seconds (settings.header_timeout) is a 408: a request in progress is never closed for
being idle, so without it a client could hold connections by sending a body one byte at a time.

FastAPI's own `max_body_size` answers 413 as plain text, without the headers and the JSON shape every
other error has; this sits inside SecurityHeaders and answers through the API's error handler.
"""

import anyio
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.infrastructure.disconnect import has_body
from app.web.infrastructure.encode import JSONResponse


def too_large(limit: int) -> dict:
    return {"message": f"The request body is larger than the limit of {limit} bytes.", "detail": "too_large"}


class BodyLimit:
    """`larger` maps a path to its own, larger limit: the weights upload takes a file, not a configuration."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, read_timeout: float = 10.0, larger: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = JSONResponse(too_large(limit), 413, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0
        finished = not has_body(scope)  # after the body, a read waits for the disconnect: no timeout

        async def counted() -> Message:
            nonlocal seen, finished
            if finished:
                return await receive()
            with anyio.move_on_after(self.read_timeout) as waited:
                message = await receive()
            if waited.cancelled_caught:
                raise HTTPException(408, f"The request body stopped arriving for {self.read_timeout:g} s.")
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, too_large(limit)["message"])
                finished = not message.get("more_body", False)
            return message

        await self.app(scope, counted, send)
