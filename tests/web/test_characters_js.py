"""static/js/charts/characters.js in Node.js: with your own sentence, every per-step chart's time axis is
labelled with the sentence's characters, and a line's hover names the character the cell predicts next, its
probability and the true next character, read from the API's own payload."""

import json
import re

import numpy as np
import pytest

from app.paths import STATIC_DIR
from tests.node import module_url, run_module_script

SENTENCE = "LSTM은 기억한다 the cell"
VISIBLE = {" ": "␣", "\n": "↵"}  # blanks drawn as signs, as the page does
SCRIPT = """
import { withCharacters } from %(characters)s;
import { gradientFlow } from %(flow)s;
import { hiddenStates } from %(hidden)s;
import { gates } from %(gates)s;
import { stepError } from %(error)s;
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const trace = JSON.parse(input);
  const ctx = { t: (key, vars) => (vars ? `${key} ${JSON.stringify(vars)}` : key), fmt: (v) => v.toFixed(2), projection: false, narrow: false };
  const figures = { flow: gradientFlow(trace, ctx), hidden: hiddenStates(trace, ctx), gates: gates(trace, ctx), error: stepError(trace, ctx) };
  const out = {};
  for (const [view, figure] of Object.entries(figures)) {
    const drawn = withCharacters(figure, trace, ctx);
    const axes = Object.entries(drawn.layout).filter(([k]) => /^xaxis\\d*$/.test(k)).map(([, a]) => a);
    out[view] = { ticks: axes.map((a) => a.ticktext ?? null), hover: drawn.data.map((d) => [d.meta?.cell, d.meta?.field, d.customdata ?? null]) };
  }
  process.stdout.write(JSON.stringify(out));
});
"""


def charts_of(trace: dict) -> dict:
    js = STATIC_DIR / "js" / "charts"
    names = {
        name: module_url(js / f"{name}.js") for name in ("characters", "flow", "hidden", "gates", "error")
    }
    return run_module_script(SCRIPT % names, trace, "the page's charts")


@pytest.fixture(scope="module")
def trace(client):
    config = {"task": "text", "cells": ["rnn", "lstm"], "H": 8, "batch": 2, "sentence": SENTENCE}
    r = client.post("/api/trace", json=config)
    assert r.status_code == 200, r.text
    return r.json()


def test_every_per_step_axis_reads_the_sentence(trace):
    shown = [VISIBLE.get(ch, ch) for ch in SENTENCE[:-1]]
    charts = charts_of(trace)
    for view in ("flow", "hidden", "gates", "error"):
        ticks = charts[view]["ticks"]
        assert ticks and all([re.sub("<[^>]+>", "", c) for c in t] == shown for t in ticks), view


def test_the_hover_names_each_cells_prediction(trace):
    vocab = trace["task"]["vocabulary"]
    charts = charts_of(trace)
    for kind in ("rnn", "lstm"):
        outputs = np.asarray(trace["cells"][kind]["outputs"]["data"])
        hovers = [h for cell, field, h in charts["error"]["hover"] if cell == kind and field == "step_loss"]
        assert len(hovers) == 1
        for t, text in enumerate(hovers[0]):
            words = json.loads(text.split(" ", 1)[1])
            top = int(np.argmax(outputs[t]))
            assert words["top"] == VISIBLE.get(vocab[top], vocab[top])
            assert words["p"] == f"{outputs[t, top]:.2f}"
            assert words["input"] == VISIBLE.get(SENTENCE[t], SENTENCE[t])
            assert words["next"] == VISIBLE.get(SENTENCE[t + 1], SENTENCE[t + 1])


def test_a_task_without_characters_is_left_as_it_is(client):
    trace = client.post("/api/trace", json={"task": "adding", "T": 6, "H": 4, "cells": ["lstm"]}).json()
    charts = charts_of(trace)
    assert all(t is None for t in charts["flow"]["ticks"])
    assert all(h is None for _, _, h in charts["flow"]["hover"])
