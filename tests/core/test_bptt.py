"""app/core/bptt.py: the blocks cover every step once, last block first; the state before each step; where
truncation cuts; and every cell gives the same result whatever the block size."""

import numpy as np
import pytest

from app.core import KINDS, bptt


def test_blocks_cover_every_step_once_from_the_end(monkeypatch):
    monkeypatch.setattr(bptt, "BLOCK_ELEMENTS", 30)
    monkeypatch.setattr(bptt, "MIN_ROWS", 1)
    assert list(bptt.blocks(7, B=2, width=5)) == [(4, 7), (1, 4), (0, 1)]
    assert bptt.block_steps(7, B=2, width=5) == 3
    assert list(bptt.blocks(2, B=2, width=5)) == [(0, 2)]
    assert list(bptt.blocks(3, B=10, width=10)) == [(2, 3), (1, 2), (0, 1)]  # at least one step per block
    monkeypatch.setattr(bptt, "MIN_ROWS", 8)
    assert bptt.block_steps(7, B=2, width=5) == 4  # ⌈8 / B⌉ steps: matmuls of at least 8 rows


def test_previous_state():
    states = np.arange(4 * 1 * 2, dtype=float).reshape(4, 1, 2)
    np.testing.assert_array_equal(bptt.previous(states, None, 2, 4), states[1:3])
    first = np.full((1, 2), -1.0)
    np.testing.assert_array_equal(bptt.previous(states, first, 0, 2), [[[-1.0, -1.0]], [[0.0, 1.0]]])
    np.testing.assert_array_equal(bptt.previous(states, None, 0, 1), [[[0.0, 0.0]]])


def test_cut_at_zero_and_chunk_starts():
    assert [t for t in range(8) if bptt.cut(t, None)] == [0]
    assert [t for t in range(8) if bptt.cut(t, 3)] == [0, 3, 6]
    assert [t for t in range(3) if bptt.cut(t, 1)] == [0, 1, 2]


@pytest.mark.parametrize("truncate", [None, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_block_size_does_not_change_the_result(core, monkeypatch, kind, truncate):
    model, x, y = core.make_case(kind, T=10, B=3, D=2, H=4)
    whole = model.run(x, y, truncate=truncate)
    for elements in (1, 50, 100):  # from one step per block to blocks that straddle the chunks
        monkeypatch.setattr(bptt, "BLOCK_ELEMENTS", elements)
        monkeypatch.setattr(bptt, "MIN_ROWS", 1)
        trace = model.run(x, y, truncate=truncate)
        np.testing.assert_allclose(trace.grad_hidden, whole.grad_hidden, rtol=1e-12, atol=1e-15)
        if kind == "lstm":
            np.testing.assert_allclose(trace.grad_cell, whole.grad_cell, rtol=1e-12, atol=1e-15)
        for name, g in whole.grads.items():
            np.testing.assert_allclose(trace.grads[name], g, rtol=1e-12, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("first", [None, "given"])
@pytest.mark.parametrize(("start", "end"), [(0, 3), (2, 4)])
def test_products_with_the_previous_state_match_the_shifted_array(first, start, end):
    rng = np.random.default_rng(1)
    states = rng.standard_normal((4, 2, 3))
    first = rng.standard_normal((2, 3)) if first else None
    shifted = bptt.previous(states, first, start, end)  # (end − start, 2, 3)
    a = rng.standard_normal(shifted.shape)
    expected = a * shifted
    bptt.multiply_by_previous(a, states, first, start, end)
    np.testing.assert_array_equal(a, expected)
    rows = rng.standard_normal((end - start, 2, 5))
    acc = np.ones((5, 3))
    bptt.add_outer_previous(acc, rows, states, first, start, end)
    np.testing.assert_allclose(acc, 1 + rows.reshape(-1, 5).T @ shifted.reshape(-1, 3), rtol=1e-13)
