"""The data a saved page carries: the JSON API's own answers to every request its views make.

Each answer is asked of the application itself (create_app(), through Starlette's TestClient, in this
process): through the same routes, validation, budget checks and encoders a browser's request goes
through, so every number in the file is the number the server would have sent. For each view: the
trace, its gradient check and its CSV download; a preset's comparison traces; and, when asked, the
training run as the stream sent it (with its CSV). Also /api/meta, with its preset list cut down to the
presets the views start from (the menu offers only what the file holds), and every language file.

The result is plain JSON (see app/export/offline.js, which answers the page's requests from it):

    {"format": 1, "start": "?preset=…",
     "files": {"/api/meta": …, "/static/i18n/en.json": …, …},
     "answers": {"trace": [{"request", "response", "csv", "files": {"json", "csv"}}],
                 "gradcheck": [{"request", "response"}],
                 "train": [{"request", "events": [{"event", "data"}], "csv", "files"}]}}
"""

import json
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from app.export.views import View
from app.paths import STATIC_DIR

FORMAT = 1


class ExportError(RuntimeError):
    """The API refused or failed a request the export needs (its message says why)."""


def _check(response, what: str):
    if response.status_code != 200:
        try:
            message = response.json().get("message") or response.text
        except ValueError:
            message = response.text
        raise ExportError(f"{what}: {message} (HTTP {response.status_code})")
    return response


def _filename(response) -> str:
    found = re.search(r'filename="([^"]+)"', response.headers.get("content-disposition", ""))
    if not found:
        raise ExportError(f"{response.url}: no file name in the response")
    return found.group(1)


def parse_events(text: str) -> list[dict]:
    """A text/event-stream body as [{"event", "data"}], data parsed from JSON."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if key == "event":
                name = value
            elif key == "data":
                data.append(value)
        if data:
            events.append({"event": name, "data": json.loads("\n".join(data))})
    return events


def _key(body: dict) -> str:
    return json.dumps(body, sort_keys=True)


class Collector:
    """Asks the API for each view's data, once per distinct request."""

    def __init__(self, client: TestClient, log: Callable[[str], None] = lambda _: None):
        self.client = client
        self.log = log
        self.answers: dict[str, dict[str, dict]] = {"trace": {}, "gradcheck": {}, "train": {}}

    def post(self, path: str, body: dict):
        return _check(self.client.post(path, json=body), f"POST {path} {_key(body)}")

    def trace(self, body: dict, label: str) -> None:
        if _key(body) in self.answers["trace"]:
            return
        self.log(f"computing {label}")
        response = self.post("/api/trace", body).json()
        csv = self.post("/api/export/trace.csv", body)
        as_json = self.post("/api/export/trace.json", body)
        if as_json.json() != response:
            raise ExportError("the trace download differs from the trace; the offline copy would be wrong")
        self.answers["trace"][_key(body)] = {
            "request": body,
            "response": response,
            "csv": csv.text,
            "files": {"json": _filename(as_json), "csv": _filename(csv)},
        }

    def gradcheck(self, body: dict) -> None:
        if _key(body) not in self.answers["gradcheck"]:
            response = self.post("/api/gradcheck", body).json()
            self.answers["gradcheck"][_key(body)] = {"request": body, "response": response}

    def train(self, body: dict, label: str) -> None:
        if _key(body) in self.answers["train"]:
            return
        seconds = body.get("seconds")
        self.log(f"training {label}" + (f" (up to {seconds:g} s)" if seconds else ""))
        events = parse_events(self.post("/api/train/stream", body).text)
        end = events[-1] if events else {"event": "none", "data": {}}
        if end["event"] != "done":
            raise ExportError(f"training {label} ended with {end['event']}: {end['data'].get('message', '')}")
        # The run that was just streamed is now in the server's cache: the downloads are of that same run.
        csv = self.post("/api/export/train.csv", body)
        as_json = self.post("/api/export/train.json", body)
        self.answers["train"][_key(body)] = {
            "request": body,
            "events": events,
            "csv": csv.text,
            "files": {"json": _filename(as_json), "csv": _filename(csv)},
        }

    def view(self, view: View) -> None:
        self.trace(view.trace, view.label)
        self.gradcheck(view.gradcheck)
        for body in view.extra_traces:
            self.trace(body, f"{view.label}: a trace drawn beside it")
        if view.train is not None:
            self.train(view.train, view.label)


def languages() -> list[str]:
    return sorted(path.stem for path in (STATIC_DIR / "i18n").glob("*.json"))


def collect(
    client: TestClient, meta: dict, start: str, views: list[View], log: Callable[[str], None] = lambda _: None
) -> dict:
    """Everything the page asks for when showing `views`, as the API answered it."""
    collector = Collector(client, log)
    for view in views:
        collector.view(view)
    held = {v.preset for v in views if v.preset}
    files = {"/api/meta": {**meta, "presets": [p for p in meta["presets"] if p["name"] in held]}}
    for lang in languages():
        path = f"/static/i18n/{lang}.json"
        files[path] = _check(client.get(path), f"GET {path}").json()
    return {
        "format": FORMAT,
        "start": start,
        "files": files,
        "answers": {endpoint: list(entries.values()) for endpoint, entries in collector.answers.items()},
    }
