"""`gradflow experiment`: one run per (length, kind), a table on stdout, JSON with --out, clean Ctrl-C."""

import json
import signal
import subprocess
import sys

from app.cli import main


def test_experiment_runs_every_length_and_kind_and_writes_json(tmp_path, capsys):
    out = tmp_path / "results.json"
    argv = [
        "experiment",
        "adding",
        "--lengths",
        "4,6",
        "--cells",
        "rnn,lstm",
        "--steps",
        "20",
        "--H",
        "4",
    ]
    code = main([*argv, "--eval-every", "10", "--test-size", "16", "--out", str(out)])
    assert code == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("| T | kind | test loss |")
    assert captured.err.count("T=") == 4 and "[4/4]" in captured.err
    report = json.loads(out.read_text())
    assert report["task"] == "adding" and report["interrupted"] is False
    assert report["threshold"] == 0.01 and abs(report["baseline"] - 1 / 6) < 1e-12
    assert [(r["length"], r["kind"]) for r in report["runs"]] == [
        (4, "rnn"),
        (4, "lstm"),
        (6, "rnn"),
        (6, "lstm"),
    ]
    for r in report["runs"]:
        assert r["steps"] == r["curve"][-1][0] <= 20
        assert r["solved"] == (r["test_loss"] < 0.01)
        assert r["reason"] in ("steps", "solved")
        assert [point[0] for point in r["curve"]][:2] == [0, 10]
    # Same seed, same numbers: the LSTM at T = 4 alone gives the same curve.
    again = tmp_path / "again.json"
    argv = ["experiment", "adding", "--lengths", "4", "--cells", "lstm", "--steps", "20", "--H", "4"]
    main([*argv, "--eval-every", "10", "--test-size", "16", "--out", str(again)])
    assert json.loads(again.read_text())["runs"][0]["curve"] == report["runs"][1]["curve"]


def test_experiment_copy_varies_the_delay(tmp_path, capsys):
    out = tmp_path / "copy.json"
    argv = ["experiment", "copy", "--lengths", "3", "--cells", "gru", "--steps", "5", "--param", "S=2"]
    assert main([*argv, "--test-size", "8", "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith("| delay | kind |")
    report = json.loads(out.read_text())
    assert report["task_params"] == {"S": 2} and report["runs"][0]["length"] == 3


def test_experiment_runs_a_preset_side_by_side(tmp_path, capsys, monkeypatch):
    from app.web.payloads import presets

    lesson = presets.PRESETS["lstm-learns"]
    tiny = {**lesson, "train": {**lesson["train"], "T": 6, "H": 3, "steps": 12, "test_size": 8}}
    monkeypatch.setitem(presets.PRESETS, "tiny", tiny)
    out = tmp_path / "preset.json"
    assert main(["experiment", "--preset", "tiny", "--out", str(out)]) == 0
    assert capsys.readouterr().err.count("[1/1] T=6") == 2
    report = json.loads(out.read_text())
    assert [(r["kind"], r["steps"], r["reason"]) for r in report["runs"]] == [
        ("rnn", 12, "steps"),
        ("lstm", 12, "steps"),
    ]
    assert [p[0] for p in report["runs"][0]["curve"]] == [0, 10, 12]
    assert report["config"]["seconds"] is None and report["config"]["steps"] == 12  # updates, not seconds
    assert main(["experiment", "copy", "--preset", "tiny"]) == 2
    assert "trains on 'adding'" in capsys.readouterr().err


def test_experiment_rejects_unknown_kind(capsys):
    assert main(["experiment", "adding", "--cells", "rnn,transformer"]) == 2
    assert "unknown kind transformer" in capsys.readouterr().err
    assert main(["experiment"]) == 2
    assert "name a TASK or a --preset" in capsys.readouterr().err


def test_ctrl_c_stops_cleanly_and_writes_what_finished(tmp_path):
    out = tmp_path / "partial.json"
    # The first runs (T = 5) end in a moment; the T = 1000 ones would take minutes.
    cmd = [sys.executable, "-m", "app", "experiment", "adding", "--lengths", "5,1000", "--cells", "rnn,lstm"]
    cmd += ["--steps", "30", "--seconds", "600", "--full-budget", "--H", "4", "--test-size", "8"]
    proc = subprocess.Popen(
        [*cmd, "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    first = proc.stderr.readline()  # the first run's progress line: it has finished
    assert first.startswith("[1/4] T=5")
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    report = json.loads(out.read_text())
    assert report["interrupted"] is True
    assert report["runs"][0]["reason"] == "steps" and report["runs"][0]["steps"] == 30
    assert len(report["runs"]) < 4
    assert stdout.startswith("| T | kind |")
