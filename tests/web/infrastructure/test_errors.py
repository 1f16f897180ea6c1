"""Errors as plain sentences: 422 names the field and the limit; 500 never shows a traceback."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.web.infrastructure import errors


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"T": 5000}, "T", "T must be at most 500 (got 5000)"),
        ({"H": 0}, "H", "H must be at least 1 (got 0)"),
        ({"spectral_radius": 25}, "spectral_radius", "spectral_radius must be at most 20 (got 25)"),
        ({"cells": ["rnn", "xyz"]}, "cells[1]", "cells[1] must be one of 'rnn', 'lstm' or 'gru' (got 'xyz')"),
        ({"cells": []}, "cells", "cells must have at least 1 item (got 0)"),
        ({"cells": ["rnn", "rnn"]}, "cells", "cells must name each kind at most once (got rnn, rnn)"),
        ({"T": 2.5}, "T", "T must be a whole number (got 2.5)"),
        ({"banana": 1}, "banana", "'banana' is not a parameter of this request (GET /api/meta lists them)"),
        ({"batch": 4, "example": 4}, "example", "example must be less than batch (4) (got 4)"),
        ({"task": "copy", "V": 20}, "V", "V must be between 2 and 16, got 20"),
        (
            {"loss": "ce", "output": "linear", "task": "recall_first"},
            "loss",
            "loss ce (cross-entropy) needs output softmax",
        ),
    ],
)
def test_422_names_field_and_limit(client, body, field, message):
    r = client.post("/api/trace", json=body)
    assert r.status_code == 422
    first = r.json()["detail"][0]
    assert first["field"] == field
    assert r.json()["message"].startswith(message)


def test_422_from_query_parameters_shows_the_typed_value(client):
    r = client.get("/api/trace", params={"T": "5000"})
    assert r.status_code == 422
    assert r.json()["message"] == "T must be at most 500 (got 5000)"
    assert r.json()["detail"][0] | {"loc": None} == {
        "field": "T",
        "loc": None,
        "message": "T must be at most 500 (got 5000)",
        "type": "less_than_equal",
        "limit": 500,
        "got": "5000",
    }


def test_non_finite_numbers_are_refused(client):
    r = client.post(
        "/api/trace", content=b'{"input_scale": NaN}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "input_scale"


def test_body_that_is_not_json_or_missing(client):
    bad = client.post("/api/trace", content=b"{oops", headers={"content-type": "application/json"})
    assert bad.status_code == 422 and bad.json()["message"].startswith("the request body is not valid JSON")
    missing = client.post("/api/trace")
    assert missing.status_code == 422 and "({} takes every default)" in missing.json()["message"]


def test_too_much_work_is_a_422_that_names_the_fields(client):
    r = client.post("/api/trace", json={"cells": ["rnn", "lstm", "gru"], "T": 500, "H": 256, "batch": 64})
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert detail["field"] == "work" and detail["type"] == "work_budget"
    assert "T = 500" in detail["message"] and "H = 256" in detail["message"]


def test_unhandled_error_is_a_generic_500_without_traceback(caplog):
    app = FastAPI()
    errors.install(app)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom")
    assert r.status_code == 500
    assert r.json() == {"message": "Internal error; it has been logged.", "detail": "internal_error"}
    assert "secret" not in r.text and "Traceback" not in r.text
    assert "secret internals" in caplog.text


def test_http_errors_keep_detail_and_gain_a_message(client):
    r = client.get("/api/presets/nope")
    assert r.status_code == 404
    assert r.json()["message"] == r.json()["detail"]
    assert "vanishing" in r.json()["message"]


def test_plain_message_of_unknown_error_type_falls_back_to_pydantic_text():
    field, message, limit = errors.plain_message({"loc": ("body", "x"), "type": "weird", "msg": "odd input"})
    assert (field, message, limit) == ("x", "x: odd input", None)


def test_repeated_log_records_are_limited_and_counted():
    import logging

    from app.web.infrastructure.errors import RateLimitedLog

    limit = RateLimitedLog(burst=3, window=60.0)

    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord("gradflow.api", logging.ERROR, __file__, 1, msg, None, None)

    passed = [limit.filter(record("accept failed: %s")) for _ in range(10)]
    assert passed == [True] * 3 + [False] * 7
    assert limit.filter(record("another error"))  # a different message has its own allowance
    limit._seen[("gradflow.api", "accept failed: %s")][0] -= 61  # the window has passed
    late = record("accept failed: %s")
    assert limit.filter(late) and "(and 7 more like it in the last 60 s)" in late.msg
