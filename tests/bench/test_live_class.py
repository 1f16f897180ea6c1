"""app/bench/live_class.py with a class of five: every student joins, receives every view change, answers
once, and leaves; the server's sockets are back where they were. (No test asserts a time: the figures
themselves come from `gradflow bench --only live_class`.)"""

import sys

from app.bench import SECTIONS, live_class


def test_a_small_class_runs_without_errors():
    result = live_class.run(quick=True, students=5, changes=3)
    assert "live_class" in SECTIONS
    assert result["joined"] == 5 and result["students_after_leaving"] == 0
    fanout = result["view_fanout_to_last_student"]
    assert fanout["changes"] == 3 and fanout["missed"] == 0
    assert 0 < fanout["p50_ms"] <= fanout["p99_ms"] <= fanout["max_ms"]
    answers = result["answers"]
    assert answers["n"] == 5 and answers["errors"] == 0 and answers["counted"] == 5
    if sys.platform.startswith("linux"):  # /proc; elsewhere the figures are null
        before, during, after = (
            result["server_before"],
            result["server_with_students"],
            result["server_after"],
        )
        assert during["sockets"] >= before["sockets"] + 5
        assert after["sockets"] == before["sockets"] and after["threads"] == before["threads"]
