"""Property-based fuzzing of the whole JSON API from its own OpenAPI schema (schemathesis).

Hundreds of generated requests per operation, valid and invalid alike: none may answer 5xx, every
response must conform to the document (a declared status code, the declared content type, a body of the
declared schema: app.web.infrastructure.openapi declares every error), every JSON body must parse strictly (no NaN or
Infinity tokens), every 422 must carry its plain `message`, and every event stream must be well formed
and end with done, stopped or failed. The app under test has a tiny work
budget, so the requests the schema allows but the budget refuses come back as 422 at once and the ones it
accepts are small: the run stays short while every code path is reached.
"""

import json
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.main import create_app
from app.settings import Settings

APP = create_app(
    Settings(work_budget=2e6, max_concurrent=64, cache_entries=64, allowed_hosts="testserver,localhost")
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(
    path_regex=r"^/api/(meta|presets|trace|train|export|gradcheck|class|health)"
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

EXAMPLES = 120  # generated examples per operation; with schemathesis's coverage phase ≈ 300 requests
SENT: Counter = Counter()  # requests sent per operation, checked by the last test


def strict_json(body: bytes):
    def refuse(token):
        raise AssertionError(f"non-standard JSON token {token}")

    return json.loads(body, parse_constant=refuse)


def check_stream(text: str) -> None:
    blocks = [b for b in text.strip().split("\n\n") if b]
    names = []
    for block in blocks:
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        names.append(lines["event"])
        strict_json(lines["data"].encode())
    assert names[0] == "start" and names[-1] in ("done", "stopped", "failed"), names
    assert set(names[1:-1]) <= {"snapshot"}


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_5xx_and_valid_json(case):
    response = case.call()
    SENT[f"{case.method.upper()} {case.path}"] += 1
    assert response.status_code < 500, (response.status_code, response.text[:500])
    case.validate_response(response, checks=CHECKS)
    kind = response.headers.get("content-type", "")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind.startswith("application/json"):
        body = strict_json(response.content)
        if response.status_code == 422:
            assert isinstance(body["message"], str) and body["message"]
            assert isinstance(body["detail"][0]["field"], str)
    elif kind.startswith("text/event-stream"):
        assert response.status_code == 200
        check_stream(response.text)
    else:
        assert kind.startswith(("text/csv", "image/svg+xml")), kind


@pytest.mark.slow
def test_every_configurable_operation_got_hundreds_of_requests():
    print("\nrequests per operation:", dict(sorted(SENT.items())))
    exports = [f"/api/export/{name}" for name in ("trace.json", "trace.csv", "train.json", "train.csv")]
    configurable = [
        f"{method} {path}"
        for path in ("/api/trace", "/api/gradcheck", *exports)
        for method in ("GET", "POST")
    ] + ["POST /api/train", "POST /api/train/stream"]
    counts = {op: SENT[op] for op in configurable}
    assert min(counts.values()) >= 250, counts
