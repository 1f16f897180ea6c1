"""What the three backward passes share: walking the steps backwards in blocks, the state before each
step, and where truncation cuts the chain.

The backward pass runs from t = T−1 down to 0 one block of steps at a time. For each block it first
computes the parts of δz that depend only on the forward pass (a few NumPy calls for the whole block),
then runs the per-step loop, then adds the block's share to the weight gradients with one matmul per
weight. A block holds about BLOCK_ELEMENTS numbers of δz, so that the δz scratch stays in cache and no
(T, B, 4H) array is allocated per run (on the large benchmark rows, fresh memory costs more than
arithmetic), but at least MIN_ROWS rows (steps × B), so that each weight-gradient matmul stays efficient.
When the whole sequence fits one block, as at every size the page uses, this is exactly one matmul per
weight after the loop.
"""

from collections.abc import Iterator

import numpy as np

BLOCK_ELEMENTS = 1 << 19
MIN_ROWS = 1024


def block_steps(T: int, B: int, width: int) -> int:
    """Steps per block when one step of δz is (B, width)."""
    return min(T, max(1, BLOCK_ELEMENTS // (B * width), -(-MIN_ROWS // B)))


def blocks(T: int, B: int, width: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each block of steps, last block first."""
    size = block_steps(T, B, width)
    for end in range(T, 0, -size):
        yield max(0, end - size), end


def previous(states: np.ndarray, first: np.ndarray | None, start: int, end: int) -> np.ndarray:
    """states[t − 1] for t in [start, end), shape (end − start, B, H); `first` is the state before step 0
    (None for zeros). A view except for the block that starts at step 0."""
    if start > 0:
        return states[start - 1 : end - 1]
    head = np.zeros_like(states[:1]) if first is None else first[None].astype(states.dtype)
    return np.concatenate([head, states[: end - 1]])


def multiply_by_previous(
    a: np.ndarray, states: np.ndarray, first: np.ndarray | None, start: int, end: int
) -> None:
    """a[t − start] *= states[t − 1] for t in [start, end), in place and without building the shifted array
    (the state before step 0 is `first`, None for zeros)."""
    if start > 0:
        a *= states[start - 1 : end - 1]
        return
    a[1:] *= states[: end - 1]
    if first is None:
        a[0] = 0.0
    else:
        a[0] *= first


def add_outer_previous(
    acc: np.ndarray, rows: np.ndarray, states: np.ndarray, first: np.ndarray | None, start: int, end: int
) -> None:
    """acc += Σ_t rows[t − start]ᵀ states[t − 1] over t in [start, end): one matmul; rows (end − start, B, ·).
    With a zero state before step 0 that step adds nothing and is left out rather than multiplied by zeros."""
    width, H = rows.shape[2], states.shape[2]
    if start > 0:
        acc += rows.reshape(-1, width).T @ states[start - 1 : end - 1].reshape(-1, H)
        return
    acc += rows[1:].reshape(-1, width).T @ states[: end - 1].reshape(-1, H)
    if first is not None:
        acc += rows[0].T @ first


def cut(t: int, truncate: int | None) -> bool:
    """True where no gradient flows from step t back into step t − 1: at t = 0, and with truncated BPTT
    at the start of every chunk [k, 2k), [2k, 3k), … whose incoming state is treated as a constant."""
    return t == 0 or (truncate is not None and t % truncate == 0)
