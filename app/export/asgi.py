"""Requests to the application in this process, through its ASGI interface, as a server would pass them on.

The export asks the app itself (routes, validation, budget checks, cache, encoders) for every answer it
embeds, without a server or a socket, and without the HTTP client library that FastAPI's TestClient needs
(a test-only dependency here). One event loop serves every request of an export, so the app's cache and
its de-duplication of work in flight behave as they do in a server process.
"""

import asyncio
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import orjson


@dataclass
class Answer:
    url: str
    status_code: int
    headers: dict[str, str]  # names in lower case
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self):
        return orjson.loads(self.content)


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    loop.run_forever()
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


class AppClient:
    """`with AppClient(app) as client: client.get("/api/meta").json()`.

    The app runs on an event loop of its own in a thread of its own, so a caller that already runs one
    (a notebook, a test driving a browser) can use it too.
    """

    def __init__(self, app):
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=_serve, args=(self.loop,), name="gradflow-export", daemon=True)
        self.thread.start()

    def __enter__(self) -> "AppClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()

    def _run(self, coroutine) -> "Answer":
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def get(self, url: str) -> Answer:
        return self._run(self._call("GET", url, b""))

    def post(self, url: str, json: dict) -> Answer:
        return self._run(self._call("POST", url, orjson.dumps(json)))

    async def _call(self, method: str, url: str, body: bytes) -> Answer:
        parts = urlsplit(url)
        headers = [(b"host", b"localhost"), (b"accept", b"*/*")]
        if method == "POST":
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 0),
            "server": ("localhost", 80),
        }
        finished = asyncio.Event()
        asked = False
        status, response_headers, chunks = 0, {}, []

        async def receive():
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": body, "more_body": False}
            await finished.wait()  # the client stays until the whole answer has been sent
            return {"type": "http.disconnect"}

        async def send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    response_headers[name.decode("latin-1").lower()] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    finished.set()

        try:
            await self.app(scope, receive, send)
        finally:
            finished.set()
        return Answer(url, status, response_headers, b"".join(chunks))
