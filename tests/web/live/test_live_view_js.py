"""What a live class's teacher sends of a training run (static/js/live/view.js, packRun, run in Node.js): every
student draws the teacher's training from it, so it must fit the budget that keeps 200 students fed, keep the
last snapshot whole for the headline, and keep the curves' numbers to three significant digits."""

import json
import math

from app.paths import STATIC_DIR
from tests.node import module_url, run_module_script

SCRIPT = """
import { packRun, classQuery } from %s;
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { run, search } = JSON.parse(input);
  const shown = run.snapshots;
  const packed = packRun({ ...run, visible: () => shown });
  const idle = packRun({ state: "idle", visible: () => [] });
  process.stdout.write(JSON.stringify({ packed, size: JSON.stringify(packed).length, idle, query: classQuery(search) }));
});
"""
BUDGET = 24_000  # view.js's TRAIN_BUDGET; the snapshots' share of it, plus a few hundred characters of head


def run_node(data: dict) -> dict:
    script = SCRIPT % module_url(STATIC_DIR / "js" / "live" / "view.js")
    return run_module_script(script, data, "the page's live view")


def three_digits(x):
    return x if x is None or x == 0 else float(f"{x:.3g}")


def test_a_training_run_is_sent_within_its_budget_with_its_last_snapshot_whole(client):
    config = {"cells": ["rnn", "lstm"], "task": "adding", "T": 50, "H": 16, "steps": 60, "snapshot_every": 1}
    run = client.post("/api/train", json=config).json()
    snapshots = run["snapshots"]
    assert len(json.dumps(snapshots)) > 4 * BUDGET  # a run the page must thin
    out = run_node(
        {
            "run": {
                "info": {"task": run["task"], "config": run["config"]},
                "snapshots": snapshots,
                "state": "finished",
                "status": "done",
                "reason": run["reason"],
            },
            "search": "?cells=rnn&lang=ko&T=50&projection=true&class=abcdefghijklmnop&lesson=4",
        }
    )
    packed = out["packed"]
    assert out["size"] <= BUDGET + 1000
    assert packed["state"] == "finished" and packed["reason"] == run["reason"]
    assert packed["info"]["task"]["baseline"] == run["task"]["baseline"]
    assert packed["info"]["config"]["steps"] == 60
    steps = [s["step"] for s in packed["snapshots"]]
    assert steps == sorted(steps) and steps[0] == snapshots[0]["step"] and steps[-1] == snapshots[-1]["step"]
    assert 2 <= len(steps) < len(snapshots)
    last, whole = packed["snapshots"][-1], snapshots[-1]
    for kind, cell in whole["cells"].items():
        for name in ("grad_hidden_norm", "grad_cell_norm", "grad_hidden_bound"):
            if cell[name] is None:
                assert name not in last["cells"][kind]
                continue
            sent = last["cells"][kind][name]["data"]
            assert all(
                (a is None and b is None) or math.isclose(a, three_digits(b), rel_tol=1e-12)
                for a, b in zip(sent, cell[name]["data"], strict=True)
            )
        assert last["cells"][kind]["test_loss"] == three_digits(cell["test_loss"])
    for earlier in packed["snapshots"][:-1]:
        for cell in earlier["cells"].values():
            assert len(cell["grad_hidden_norm"]["data"]) == 50 and "grad_hidden_bound" not in cell
    assert out["idle"] is None  # no run, nothing to send
    assert out["query"] == "cells=rnn&T=50&lesson=4"  # the page's own language, theme and class stay its own
