"""POST /api/gradcheck and GET /api/gradcheck: backprop through time against the complex step.

The math lives in app/core/gradcheck.py; this router only prepares the configuration's batch and models
(trace_payload.prepare, the same recipe as every endpoint), runs full BPTT for each cell, draws the
entries with the seed and hands both to the core's check. Truncated BPTT computes a deliberately different
gradient from the loss's own, so the check always compares the full gradient (`truncate_ignored` says when
the configuration had one). The request's `epsilon` is accepted and ignored: the complex step has no step
size to tune (see docs/api.md).

Overall status: "failed" when any cell failed, else "uncheckable" when any cell cannot be decided (its
reason, with the cell's kind, is the response's reason), else "passed".
"""

import threading
from collections.abc import Callable
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.core import gradcheck
from app.web.infrastructure.cache import canonical_key
from app.web.infrastructure.encode import EncodedJSON, number
from app.web.infrastructure.errors import WEIGHTS_GONE, error_responses
from app.web.infrastructure.limits import check_budget, check_memory, pass_work, recorded_floats
from app.web.payloads import weights
from app.web.payloads.trace_payload import prepare, sequence_length
from app.web.payloads.trained import check_trained_budget
from app.web.schemas import GradcheckBody, GradcheckConfig

TOLERANCE = gradcheck.TOLERANCE
NUMBERS = ("analytic", "numeric", "abs_error", "relative_error", "floor", "h")

router = APIRouter(prefix="/api", tags=["gradcheck"])


def check_cell(prep, kind: str, samples: int, rng: np.random.Generator) -> dict:
    model = prep.models[kind]
    trace = prep.run(kind, full_bptt=True)
    entries = gradcheck.sample_entries(model.params, samples, rng)
    result = gradcheck.check(model, prep.x, prep.y, prep.loss, prep.loss_on, trace, entries)
    for entry in result["checks"]:
        entry.update({key: number(entry[key]) for key in NUMBERS})
    result["worst_relative_error"] = number(result["worst_relative_error"])
    return result


def gradcheck_payload(config: GradcheckConfig, should_stop: Callable[[], bool] | None = None) -> dict:
    """The checked entries of every cell; should_stop() may stop the training of trained_steps early."""
    prep = prepare(config, should_stop=should_stop)
    rng = np.random.default_rng(config.seed)
    cells = {kind: check_cell(prep, kind, config.samples, rng) for kind in config.cells}
    statuses = [c["status"] for c in cells.values()]
    status = next((s for s in ("failed", "uncheckable") if s in statuses), "passed")
    reason = next(
        ({**c["reason"], "cell": kind} for kind, c in cells.items() if c["status"] == status and c["reason"]),
        None,
    )
    worsts = [c["worst_relative_error"] for c in cells.values() if c["worst_relative_error"] is not None]
    return {
        "config": config.canonical() | {"output": prep.output, "loss": prep.loss, "loss_on": prep.loss_on},
        "cells": cells,
        "status": status,
        "passed": status == "passed",
        "reason": reason,
        "worst_relative_error": max(worsts) if worsts else None,
        "tolerance": TOLERANCE,
        "method": "complex-step",
        "step": gradcheck.STEP,
        "truncate_ignored": config.truncate is not None,
    }


def check_gradcheck_budget(config: GradcheckConfig, budget: float) -> None:
    check_trained_budget(config, budget)
    T = sequence_length(config)
    need = 8.0 * max(recorded_floats(kind, config.batch, T, config.H) for kind in config.cells)
    check_memory(
        need, {"batch": config.batch, "T": T, "H": config.H}, "a recorded pass grows as batch × T × H"
    )
    # one forward and backward pass, then one complex forward pass per sample: a third of a pass, with
    # four real multiplications in each complex one
    work = pass_work(config.cells, config.batch, T, config.H) * (1 + 4 * config.samples / 3)
    check_budget(
        work,
        budget,
        {"cells": len(config.cells), "batch": config.batch, "T": T, "H": config.H, "samples": config.samples},
        "cells × batch × T × H² × (1 + 4·samples/3)",
    )


def _encode(config: GradcheckConfig, should_stop: Callable[[], bool] | None = None) -> EncodedJSON:
    return EncodedJSON(gradcheck_payload(config, should_stop))


async def _answer(request: Request, config: GradcheckConfig) -> Response:
    state = request.app.state
    config = weights.resolve(config)  # an upload's kind and H, for the budget and the cache key
    check_gradcheck_budget(config, state.settings.work_budget)
    key = canonical_key("gradcheck", config.canonical() | {"epsilon": None})  # epsilon changes nothing
    stop = threading.Event() if config.trained_steps else None  # its training stops when its clients leave
    encoded, hit = await state.cache.get_or_compute(
        key, lambda: state.limiter.run(_encode, config, stop.is_set if stop else None), stop
    )
    return encoded.response(request.headers.get("accept-encoding", ""), {"X-Cache": "hit" if hit else "miss"})


RESPONSES = {
    200: {
        "description": "Per cell: the checked entries, the worst relative error, the status (docs/api.md)."
    },
} | error_responses(*WEIGHTS_GONE, 413, 422, 503)


@router.post(
    "/gradcheck", summary="Analytic gradients against the complex-step derivative", responses=RESPONSES
)
async def post_gradcheck(request: Request, config: GradcheckBody) -> Response:
    return await _answer(request, config)


@router.get("/gradcheck", summary="The same check, configured by query parameters", responses=RESPONSES)
async def get_gradcheck(request: Request, config: Annotated[GradcheckConfig, Query()]) -> Response:
    return await _answer(request, config)
