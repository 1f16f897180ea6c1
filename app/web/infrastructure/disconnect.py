"""Work that belongs to a request stops when its client leaves: one mechanism for every route.

`CancelOnDisconnect` is ASGI middleware. Once a request's body has been read (at once for a request
without one), a watcher waits for the server's `http.disconnect`; if it comes before the response is
complete, the request's handler is cancelled, wherever it is waiting. What the handler was waiting for
decides what stops with it:

- a training stream's generator is closed, and closing it sets the run's stop event;
- a whole-run training (POST /api/train, the training exports) waits on a shared computation in the
  result cache; when its last waiter is cancelled the cache sets that computation's stop event;
- a trace or gradient check of trained networks (`trained_steps`) waits on a shared computation too, whose
  stop event reaches the training it needs; that training is shared with every other request that needs
  it, and stops only when all of them have gone (trained.py);
- the core's training loop checks its stop callback before every update, so the thread ends within one
  update and its computation slot is given back.

Only the watcher reads from the server once the body is complete; the app's own later reads (Starlette's
streaming responses listen for the disconnect too) wait for what the watcher saw.
"""

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def has_body(scope: Scope) -> bool:
    """Whether the app will read a body first: a GET, HEAD, OPTIONS or DELETE has none unless its headers
    announce one; anything else is read by the app (which starts the watcher when the body is complete)."""
    headers = dict(scope.get("headers") or [])
    if scope["method"] not in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return True
    return headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers


class CancelOnDisconnect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gone = anyio.Event()
        pending: list[Message] = []
        state = {"body_read": False, "watching": False, "complete": False}

        async with anyio.create_task_group() as group:

            async def watch() -> None:
                while True:
                    message = await receive()
                    if message["type"] == "http.request":  # a body-less request's empty body
                        continue  # the app is given its own copy (below), whenever it asks
                    gone.set()
                    if not state["complete"]:
                        group.cancel_scope.cancel()
                    return

            def start_watching() -> None:
                if not state["watching"]:
                    state["watching"] = True
                    group.start_soon(watch)

            async def app_receive() -> Message:
                if pending:
                    return pending.pop(0)
                if state["body_read"]:
                    await gone.wait()
                    return {"type": "http.disconnect"}
                message = await receive()
                if message["type"] == "http.disconnect":
                    gone.set()
                elif not message.get("more_body", False):
                    state["body_read"] = True
                    start_watching()
                return message

            async def app_send(message: Message) -> None:
                if message["type"] == "http.response.body" and not message.get("more_body", False):
                    state["complete"] = True
                await send(message)

            if not has_body(scope):
                pending.append({"type": "http.request", "body": b"", "more_body": False})
                state["body_read"] = True
                start_watching()
            await self.app(scope, app_receive, app_send)
            group.cancel_scope.cancel()
