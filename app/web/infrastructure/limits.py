"""How much one request may ask for, and how many are computed at once.

Two guards keep a classroom's worth of requests (and sliders pushed to the end on purpose) from taking the
laptop down:

- a work budget: a request's cost is estimated before anything runs, as the number of multiply-adds of its
  recurrent matrix products, cells · B · T · H² · steps (an LSTM counts four matrices, a GRU three), plus a
  per-step term for the Python work done at every time step whatever H is, plus the T²-sized analyses of a
  trace. Above `settings.work_budget` the request is refused with a 422 that names the fields to lower;
- a per-process concurrency limit: at most `settings.max_concurrent` computations run at once; one more is
  answered at once with 503 and Retry-After instead of waiting in an unbounded queue.

The computations themselves run in a thread pool of that size, so the event loop keeps answering cached
results, the page and health checks while NumPy works.
"""

from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from app.core.connectivity import ACROSS_FLOATS

# Matrices per step in each cell's recurrence: RNN W_hh; LSTM W_f, W_i, W_g, W_o; GRU W_z, W_r, W_n.
MATRICES = {"rnn": 1, "lstm": 4, "gru": 3}
# Size of the recurrent state s_t in units of H: the LSTM's state is (h_t, c_t).
STATE = {"rnn": 1, "lstm": 2, "gru": 1}
# Python and NumPy call overhead of one time step, in multiply-adds of equal cost (measured: a step at
# H = 1 costs about what a 128 × 128 product does), so tiny H with huge T is not free.
STEP_OVERHEAD = 128 * 128
# Largest working memory one request may need (the per-step Jacobians of a trace are T × S × S each).
MEMORY_LIMIT = 256 * 2**20

R = TypeVar("R")


class WorkBudgetExceeded(Exception):
    """The request would take too long; `message` says which fields to lower and what the limit is."""

    def __init__(self, message: str, work: float, budget: float):
        super().__init__(message)
        self.message = message
        self.work = work
        self.budget = budget


class Busy(Exception):
    """All computation slots of this process are taken; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int = 1):
        super().__init__(f"busy; retry after {retry_after} s")
        self.retry_after = retry_after


def pass_work(cells: list[str], B: int, T: int, H: int, D: int = 0) -> float:
    """Multiply-adds of one forward and backward pass of every cell, with the per-step overhead."""
    per_step = sum(MATRICES[kind] * (B * H * (H + D)) for kind in cells) + len(cells) * STEP_OVERHEAD
    return 3.0 * T * per_step  # the backward pass costs about twice the forward


def analysis_work(cells: list[str], B: int, T: int, H: int, D: int = 1, K: int = 1) -> float:
    """Multiply-adds of a trace's analyses, per cell with state size S: the Jacobian products
    ∂s_T/∂s_t (T·S³), the connectivity matrix (counted as all T outputs carried back together,
    T²·K·S²/2 plus T²·S·D/2 for ∂ŷ_t/∂x_s: about twice what connectivity.py's two half chains do),
    and the per-step weight-gradient terms (T·B·H² per matrix)."""
    total = 0.0
    for kind in cells:
        S = STATE[kind] * H
        total += T * S**3 + T * T * (K * S * S + S * D) / 2 + T * B * MATRICES[kind] * H * H
        total += 2 * T * STEP_OVERHEAD
    return total


def trace_memory(cells: list[str], B: int, T: int, H: int, D: int = 1, K: int = 1) -> float:
    """Peak bytes of working memory of a trace: cells run one after another, so the largest one counts
    (Jacobian stacks T·S², the connectivity's carries T·K·S and T·D·S and its products across the split,
    weight-gradient terms T·H² per matrix, and the recorded pass, see recorded_floats)."""
    peak = 0.0
    for kind in cells:
        S = STATE[kind] * H
        floats = (
            3 * T * S * S
            + 2 * T * K * S
            + 2 * T * min(D, S) * S
            + ACROSS_FLOATS
            + MATRICES[kind] * T * H * H
            + recorded_floats(kind, B, T, H, D)
            + T * T
        )
        peak = max(peak, 8.0 * floats)
    return peak


def recorded_floats(kind: str, B: int, T: int, H: int, D: int = 0) -> int:
    """Floats a recorded pass keeps: states, gates, their gradients and temporaries, B·T·H each (six, plus
    two per recurrent matrix), and the LSTM's step inputs [h_{t−1}, x_t, 1] (B·T·(H+D+1))."""
    inputs = B * T * (H + D + 1) if kind == "lstm" else 0
    return (6 + 2 * MATRICES[kind]) * B * T * H + inputs


def check_memory(need: float, fields: dict[str, Any], why: str, limit: float = MEMORY_LIMIT) -> None:
    """Raise WorkBudgetExceeded when a request would need more than `limit` bytes of working memory;
    `why` says what grows (e.g. "the per-step Jacobians grow as T × H²")."""
    if need <= limit:
        return
    shown = ", ".join(f"{name} = {value}" for name, value in fields.items())
    raise WorkBudgetExceeded(
        f"This request needs too much memory: about {need / 2**20:.0f} MB ({why}; here {shown}) "
        f"and the limit is {limit / 2**20:.0f} MB. Lower {_or_list(list(fields))}.",
        need,
        limit,
    )


def check_budget(work: float, budget: float, fields: dict[str, Any], formula: str) -> None:
    """Raise WorkBudgetExceeded when `work` is over `budget`; the message shows the fields that drive it."""
    if work <= budget:
        return
    shown = ", ".join(f"{name} = {value}" for name, value in fields.items())
    raise WorkBudgetExceeded(
        f"This request is too much work: about {work:.2g} units ({formula}; here {shown}) "
        f"and the limit is {budget:.2g}. Lower {_or_list(list(fields))}.",
        work,
        budget,
    )


def _or_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class ComputeLimiter:
    """At most `max_concurrent` computations at once in this process; more are refused, never queued."""

    def __init__(self, max_concurrent: int = 4, retry_after: int = 1):
        self.max_concurrent = max(1, int(max_concurrent))
        self.retry_after = retry_after
        self.active = 0
        self._threads = anyio.CapacityLimiter(self.max_concurrent)

    def acquire(self) -> None:
        """Take a slot, or raise Busy at once when none is free. Pair with release()."""
        if self.active >= self.max_concurrent:
            raise Busy(self.retry_after)
        self.active += 1

    def release(self) -> None:
        self.active -= 1

    @asynccontextmanager
    async def slot(self):
        """Hold one slot for the duration of the block, or raise Busy at once when none is free."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    async def run(self, fn: Callable[..., R], *args: Any) -> R:
        """fn(*args) in a worker thread while holding a slot. The event loop stays free meanwhile."""
        async with self.slot():
            return await self.in_thread(fn, *args)

    async def in_thread(self, fn: Callable[..., R], *args: Any) -> R:
        """fn(*args) in a worker thread, for callers that already hold a slot (a training stream)."""
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._threads)
