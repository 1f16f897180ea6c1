"""Your own sentence for the text task: the trace runs on its characters, T follows from its length, and a
character outside the vocabulary is one 422 that names the field and every such character."""

import numpy as np
import pytest

from app.core import build_model
from app.core.tasks import TASKS
from app.core.tasks.text import corpus

SENTENCE = "LSTM은 기억한다"
CONFIG = {"task": "text", "cells": ["rnn", "lstm"], "H": 8, "batch": 2, "seed": 4, "sentence": SENTENCE}


@pytest.fixture(scope="module")
def payload(client):
    r = client.post("/api/trace", json=CONFIG)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_sentence_is_the_sequence_and_sets_T(payload):
    vocab = payload["task"]["vocabulary"]
    T = len(SENTENCE) - 1
    assert payload["sizes"]["T"] == T and payload["config"]["T"] == T
    assert payload["task"]["values"]["T"] == T
    assert payload["config"]["sentence"] == SENTENCE
    inputs = np.argmax(payload["example"]["inputs"]["data"], axis=-1)
    assert "".join(vocab[i] for i in inputs) == SENTENCE[:-1]
    assert "".join(vocab[i] for i in payload["example"]["targets"]["data"]) == SENTENCE[1:]


def test_the_losses_are_the_cores_on_the_sentence(payload):
    task = TASKS["text"]
    x, y = task.sentence_batch(SENTENCE, 2)
    for kind in ("rnn", "lstm"):
        V = len(corpus()[1])
        model = build_model(kind, V, 8, V, seed=4, output="softmax", spectral_radius=1.0, forget_bias=1.0)
        trace = model.run(x, y, loss="ce", loss_on="all")
        cell = payload["cells"][kind]
        # the API rounds to 4 significant digits
        assert cell["loss"] == pytest.approx(trace.loss, rel=6e-4)
        np.testing.assert_allclose(cell["step_loss"]["data"], trace.step_loss, rtol=6e-4)
        # every example is the sentence, so the batch mean of ‖dL/dh_t‖ is the example's
        np.testing.assert_allclose(
            cell["grad_hidden_norm"]["data"], cell["grad_hidden_norm_example"]["data"], rtol=1e-6
        )


def test_a_query_sentence_is_the_same_trace(client, payload):
    r = client.get("/api/trace", params=CONFIG)
    assert r.status_code == 200
    assert r.json()["cells"]["lstm"]["loss"] == payload["cells"]["lstm"]["loss"]


def test_characters_outside_the_vocabulary_are_one_422_naming_them(client):
    r = client.post("/api/trace", json={**CONFIG, "sentence": "Zebra jam 사과"})
    assert r.status_code == 422
    body = r.json()
    assert body["message"] == (
        "sentence has 3 characters outside the model's vocabulary (the "
        f"{len(corpus()[1])} characters of its text): 'Z' 'j' '사'"
    )
    assert [(d["field"], d["type"], d["got"]) for d in body["detail"]] == [
        ("sentence", "unknown_characters", "'Z' 'j' '사'")
    ]


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("ab", "sentence must have at least 3 characters (got 2)"),
        ("a" * 502, "sentence must have at most 501 characters (got 502)"),
    ],
)
def test_length_limits_are_named(client, sentence, message):
    r = client.post("/api/trace", json={**CONFIG, "sentence": sentence})
    assert r.status_code == 422
    assert r.json()["message"] == message


def test_other_tasks_ignore_the_sentence(client):
    r = client.post("/api/trace", json={"task": "adding", "T": 10, "H": 4, "sentence": "Zzz"})
    assert r.status_code == 200
    assert r.json()["config"]["sentence"] is None and r.json()["sizes"]["T"] == 10


def test_the_meta_states_the_limits(client):
    spec = client.get("/api/meta").json()["parameters"]["trace"]["sentence"]
    assert (spec["type"], spec["minLength"], spec["maxLength"], spec["nullable"]) == ("string", 3, 501, True)
