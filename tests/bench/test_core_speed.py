"""app/bench/core_speed.py at toy sizes: the table's shape, the ratios, and how the targets are judged.
(No test asserts a time: the figures themselves come from `gradflow bench`.)"""

import importlib.util

import pytest

from app.bench import core_speed


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setattr(core_speed, "ROWS", [(1, 4, 3, 2), (2, 5, 3, 2), (2, 6, 4, 2)])
    monkeypatch.setattr(core_speed, "SCALING_T", (4, 8))
    monkeypatch.setattr(core_speed, "SCALING_BHD", (2, 3, 2))
    # the fewest rounds median_ms allows: this checks the table, not the times
    fewest = core_speed.median_ms
    monkeypatch.setattr(core_speed, "median_ms", lambda fns, repeats: fewest(fns, 1, budget_s=0, warmup=0))


def test_run_quick_table(tiny):
    result = core_speed.run(quick=True)
    settings = result["threads"]
    assert settings == core_speed.thread_settings() and settings[0] == core_speed.numpy_blas_threads()
    rows = result["rows"]
    # per thread setting, quick skips the largest row: 2 dtypes × 3 kinds × 2 rows
    assert len(rows) == 12 * len(settings)
    assert {(r["threads"], r["dtype"], r["kind"], r["T"]) for r in rows} == {
        (n, d, k, t)
        for n in settings
        for d in ("float64", "float32")
        for k in ("rnn", "lstm", "gru")
        for t in (4, 5)
    }
    assert all(r["ours_ms"] > 0 for r in rows)
    if importlib.util.find_spec("torch"):
        for r in rows:
            assert r["ratio_fused"] == pytest.approx(r["ours_ms"] / r["torch_fused_ms"], rel=0.01, abs=0.002)
            assert r["ratio_cells"] == pytest.approx(r["ours_ms"] / r["torch_cells_ms"], rel=0.01, abs=0.002)
        assert [t["threads"] for t in result["targets"]] == settings
        assert set(result["targets"][0]) == {"threads", "ratio_fused_max", "met", "misses"}
        assert result["environment"]["torch_threads"] == settings[0]
    assert [(s["kind"], s["T"]) for s in result["scaling"]] == [
        (k, t) for k in ("rnn", "lstm", "gru") for t in (4, 8)
    ]
    assert all(s["threads"] == settings[-1] for s in result["scaling"])
    assert all(s["per_step_vs_shortest"] == 1.0 for s in result["scaling"] if s["T"] == 4)


def test_targets_flag_only_float64_misses():
    row = {"B": 32, "T": 200, "H": 128, "D": 16}
    largest = dict(zip("BTHD", core_speed.ROWS[-1], strict=True))
    table = [
        {"kind": "rnn", "dtype": "float64", "ratio_fused": 0.59, **row},
        {"kind": "lstm", "dtype": "float64", "ratio_fused": 0.71, **row},
        {"kind": "lstm", "dtype": "float32", "ratio_fused": 3.0, **row},
        {"kind": "gru", "dtype": "float64", "ratio_fused": 2.0, **row},
        {"kind": "rnn", "dtype": "float64", "ratio_fused": 0.95, **largest},
    ]
    targets = core_speed._targets(table)
    assert not targets["met"]
    assert targets["misses"] == [{"kind": "lstm", **row, "ratio_fused": 0.71, "target": 0.7}]
    assert core_speed._targets(table[:1] + table[-1:])["met"]
