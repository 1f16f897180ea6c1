"""`gradflow bench`: JSON on stdout (and in --out), progress on stderr, --only picks sections."""

import json

import pytest

from app.bench import core_speed
from app.cli import main


def test_bench_prints_json_and_writes_out(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(core_speed, "ROWS", [(1, 3, 2, 2), (1, 4, 2, 2)])
    monkeypatch.setattr(core_speed, "SCALING_T", (3, 6))
    monkeypatch.setattr(core_speed, "SCALING_BHD", (1, 2, 2))
    monkeypatch.setattr(core_speed, "thread_settings", lambda: [1])  # the CLI's part, not the timings
    out = tmp_path / "bench.json"
    assert main(["bench", "--only", "core_speed", "--quick", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    assert printed == json.loads(out.read_text())
    assert list(printed["sections"]) == ["core_speed"]
    assert printed["quick"] is True
    settings = printed["sections"]["core_speed"]["threads"]
    assert len(printed["sections"]["core_speed"]["rows"]) == 6 * len(settings)  # 2 dtypes × 3 kinds × 1 row
    assert "core_speed" in captured.err and "core_speed" not in captured.out.splitlines()[0]


def test_bench_rejects_unknown_section(capsys):
    with pytest.raises(SystemExit):
        main(["bench", "--only", "no_such_section"])
    assert "invalid choice" in capsys.readouterr().err
