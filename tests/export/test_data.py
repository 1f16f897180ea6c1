"""The data an exported page carries is the API's own answers: traces, gradient checks, downloads and training
streams, asked once per distinct request; a request the API refuses stops the export with the API's message."""

import asyncio

import pytest
from fastapi.testclient import TestClient

from app.export import export_html
from app.export.data import ExportError, collect, parse_events
from app.export.views import View, views_for
from app.main import create_app
from app.web.payloads.presets import PRESETS


@pytest.fixture(scope="module")
def app_client():
    with TestClient(create_app(), base_url="http://localhost") as c:
        yield c


def test_a_preset_is_held_as_the_api_answers_it(app_client, client):
    meta = client.get("/api/meta").json()
    start, views = views_for(meta, preset="forget-bias-0-vs-1", url=None, lesson=False, with_training=True)
    data = collect(app_client, meta, start, views)
    assert data["start"] == "?preset=forget-bias-0-vs-1"
    assert [p["name"] for p in data["files"]["/api/meta"]["presets"]] == ["forget-bias-0-vs-1"]
    assert data["files"]["/static/i18n/ko.json"] == client.get("/static/i18n/ko.json").json()
    preset = PRESETS["forget-bias-0-vs-1"]
    traces = [entry["response"] for entry in data["answers"]["trace"]]
    expected = [
        client.post("/api/trace", json=c).json() for c in [preset["trace"], preset["compare"][0]["trace"]]
    ]
    assert traces == expected  # the preset's trace and the trace it is compared with
    (check,) = data["answers"]["gradcheck"]
    assert check["response"] == client.post("/api/gradcheck", json=preset["trace"]).json()
    first = data["answers"]["trace"][0]
    assert first["files"]["csv"].startswith("gradflow-trace-") and first["csv"].startswith("cell,t,step_loss")


def test_a_training_run_is_held_as_its_stream(app_client, client):
    meta = client.get("/api/meta").json()
    body = {"cells": ["rnn"], "T": 10, "H": 4, "steps": 6, "snapshot_every": 3, "test_size": 16}
    data = collect(
        app_client, meta, "", [View(trace={"T": 10, "H": 4}, gradcheck={"T": 10, "H": 4}, train=body)]
    )
    (run,) = data["answers"]["train"]
    assert [e["event"] for e in run["events"]] == ["start", "snapshot", "snapshot", "snapshot", "done"]
    assert [e["data"]["step"] for e in run["events"][1:4]] == [0, 3, 6]
    assert run["csv"].count("\n") == 1 + 3  # a header and one row per snapshot of the one cell


def test_a_refused_request_stops_the_export_with_the_apis_message(app_client, client):
    meta = client.get("/api/meta").json()
    with pytest.raises(ExportError, match="T must be at most 500"):
        collect(app_client, meta, "", [View(trace={"T": 5000}, gradcheck={})])


def test_parse_events_reads_server_sent_events():
    text = 'event: start\ndata: {"a": 1}\n\n: keep-alive\n\nevent: done\r\ndata: {"b":\ndata: 2}\n\n'
    assert parse_events(text) == [{"event": "start", "data": {"a": 1}}, {"event": "done", "data": {"b": 2}}]


def test_an_export_works_where_an_event_loop_is_already_running():
    """A notebook runs an event loop of its own; the export's client runs the app on a thread of its own."""

    async def inside():
        return export_html(preset="bptt", train=False)

    html = asyncio.run(inside())
    assert html.startswith("<!doctype html>") and 'id="gradflow-modules"' in html
