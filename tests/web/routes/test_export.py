"""Downloads: CSV and JSON of a trace or a finished training run, with Content-Disposition."""

import csv
import io
import json
import re

from app.web.infrastructure.encode import dumps

TRACE = {"cells": ["rnn", "lstm"], "T": 7, "H": 5, "batch": 2}
TRAIN = {
    "cells": ["rnn", "gru"],
    "T": 6,
    "H": 3,
    "batch": 4,
    "steps": 10,
    "snapshot_every": 5,
    "test_size": 8,
}


def test_trace_json_download_is_the_trace(client):
    r = client.post("/api/export/trace.json", json=TRACE)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["content-disposition"].startswith('attachment; filename="gradflow-trace-')
    assert r.headers["content-disposition"].endswith('.json"')
    assert json.loads(r.content) == client.post("/api/trace", json=TRACE).json()


def test_trace_csv_has_one_row_per_cell_and_step(client):
    params = [("cells", "rnn"), ("cells", "lstm"), ("T", 7), ("H", 5), ("batch", 2)]
    r = client.get("/api/export/trace.csv", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2 * 7
    # t as the charts and the lecture number it, 1…T
    assert [(row["cell"], int(row["t"])) for row in rows[:2]] == [("rnn", 1), ("rnn", 2)]
    assert [int(row["t"]) for row in rows if row["cell"] == "lstm"] == list(range(1, 8))
    trace = client.post("/api/trace", json=TRACE).json()
    lstm_rows = [row for row in rows if row["cell"] == "lstm"]
    assert [float(row["grad_hidden_norm"]) for row in lstm_rows] == trace["cells"]["lstm"][
        "grad_hidden_norm"
    ]["data"]
    assert [float(row["gate_mean_f"]) for row in lstm_rows] == trace["cells"]["lstm"]["gate_means"]["f"][
        "data"
    ]
    assert all(
        row["grad_cell_norm"] == "" for row in rows if row["cell"] == "rnn"
    )  # the RNN has no cell state
    rnn_rows = [row for row in rows if row["cell"] == "rnn"]
    assert [float(row["grad_hidden_bound"]) for row in rnn_rows] == trace["cells"]["rnn"][
        "grad_hidden_bound"
    ]["data"]
    assert all(row["grad_hidden_bound"] == "" for row in lstm_rows)  # the gated cells have no such bound
    assert "weight_grad_W_hh" in rows[0] and "weight_grad_W_f" in rows[0]


def test_train_csv_and_json(client):
    r = client.post("/api/export/train.csv", json=TRAIN)
    assert r.status_code == 200 and r.headers["content-disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(int(row["step"]), row["cell"]) for row in rows] == [
        (0, "rnn"),
        (0, "gru"),
        (5, "rnn"),
        (5, "gru"),
        (10, "rnn"),
        (10, "gru"),
    ]
    whole = client.post("/api/train", json=TRAIN).json()
    assert float(rows[-1]["test_loss"]) == whole["snapshots"][-1]["cells"]["gru"]["test_loss"]
    j = client.get(
        "/api/export/train.json",
        params=[("cells", "rnn"), ("cells", "gru")] + [(k, v) for k, v in TRAIN.items() if k != "cells"],
    )
    assert j.status_code == 200 and json.loads(j.content) == whole


def test_export_validates_like_the_endpoints(client):
    r = client.get("/api/export/trace.csv", params={"T": 5000})
    assert r.status_code == 422 and r.json()["message"] == "T must be at most 500 (got 5000)"


def test_csv_numbers_are_written_as_the_json_writes_them(client):
    """The exploding regime's huge values, digit for digit as the API's JSON has them: no float noise."""
    config = {"cells": ["rnn"], "T": 40, "H": 8, "batch": 2, "spectral_radius": 20, "loss_on": "all"}
    rows = list(csv.DictReader(io.StringIO(client.post("/api/export/trace.csv", json=config).text)))
    body = client.post("/api/trace", json=config).text
    data = json.loads(body)["cells"]["rnn"]["jacobian_bound"]["data"]
    written = [row["jacobian_bound"] for row in rows]
    assert max(abs(v) for v in data if v is not None) > 1e22  # beyond the exactly scaled powers of ten
    for text, value in zip(written, data, strict=True):
        assert text == ("" if value is None else dumps(value).decode())  # the JSON's own text for the number
        assert len(re.sub(r"\D", "", text.split("e")[0]).strip("0")) <= 4, (
            text
        )  # four significant digits, no noise
