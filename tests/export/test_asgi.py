"""The in-process client the export asks the app with: the same answers a server would send."""

import asyncio

from app.export.asgi import AppClient
from app.main import create_app


def test_get_and_post_reach_the_apps_routes():
    with AppClient(create_app()) as client:
        health = client.get("/api/health")
        assert health.status_code == 200 and health.headers["content-type"].startswith("application/json")
        assert health.headers["x-content-type-options"] == "nosniff"  # through the app's middleware
        refused = client.post("/api/trace", {"T": 5000})
        assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "T"
        stream = client.post(
            "/api/train/stream", {"cells": ["rnn"], "T": 5, "H": 2, "steps": 2, "test_size": 4}
        )
        assert stream.status_code == 200 and stream.text.startswith("event: start")
        assert stream.text.rstrip().split("\n")[-2] == "event: done"


def test_it_works_where_an_event_loop_is_already_running():
    """A notebook runs an event loop of its own; the export's requests run on theirs."""

    async def inside():
        with AppClient(create_app()) as client:
            return client.get("/api/health").status_code

    assert asyncio.run(inside()) == 200
