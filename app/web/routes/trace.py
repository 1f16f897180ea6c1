"""POST /api/trace and GET /api/trace: one recorded forward and backward pass of each chosen cell.

GET takes the same fields as query parameters, so a configuration is a URL
(/api/trace?cells=rnn&cells=lstm&T=100&spectral_radius=1.5). The payload is described in docs/api.md.
A configuration is computed once per process: the encoded (and gzipped) answer is cached under its
canonical JSON, and identical requests arriving while it is computed wait for the same computation.
"""

import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.web.infrastructure.cache import canonical_key
from app.web.infrastructure.encode import EncodedJSON
from app.web.infrastructure.errors import WEIGHTS_GONE, error_responses
from app.web.infrastructure.limits import analysis_work, check_budget, check_memory, pass_work, trace_memory
from app.web.payloads import weights
from app.web.payloads.trace_payload import prepare, sizes_of, trace_payload
from app.web.payloads.trained import check_trained_budget
from app.web.schemas import TraceBody, TraceConfig

router = APIRouter(prefix="/api", tags=["trace"])

RESPONSES = {
    200: {
        "description": "Per-cell arrays, each {shape, axes, meaning, data}; see docs/api.md.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
} | error_responses(*WEIGHTS_GONE, 422, 503)


def check_trace_budget(config: TraceConfig, budget: float) -> None:
    """422 when one pass of every cell plus the per-example analyses would exceed the work budget or the
    memory limit, or the training of a trace with trained_steps the training run's own limits."""
    check_trained_budget(config, budget)
    T, D, K = sizes_of(config)
    sizes = (config.cells, config.batch, T, config.H, D, K)
    fields = {"cells": len(config.cells), "batch": config.batch, "T": T, "H": config.H}
    check_memory(trace_memory(*sizes), fields, "the per-step Jacobians grow as T × H²")
    check_budget(
        pass_work(*sizes[:5]) + analysis_work(*sizes),
        budget,
        fields,
        "cells × batch × T × H² for the pass, plus about cells × (T·S³ + T²·K·S²) for the Jacobians and "
        "connectivity, S the state size",
    )


def _encode(config: TraceConfig, should_stop: Callable[[], bool] | None = None) -> EncodedJSON:
    encoded = EncodedJSON(trace_payload(config, prepare(config, should_stop=should_stop)))
    encoded.gzipped  # noqa: B018  compressed here, in the worker thread, not on the event loop
    return encoded


async def cached_trace(request: Request, config: TraceConfig) -> tuple[EncodedJSON, bool]:
    """(encoded payload, cache hit) for a configuration: budget checked, computed at most once. A trace
    of trained networks trains them first, for up to a training run's budget: that training stops when
    every request waiting for it has left (cache.py, trained.py)."""
    state = request.app.state
    config = weights.resolve(config)  # an upload's kind and H, for the budget and the cache key
    check_trace_budget(config, state.settings.work_budget)
    key = canonical_key("trace", config.canonical())
    stop = threading.Event() if config.trained_steps else None
    return await state.cache.get_or_compute(
        key, lambda: state.limiter.run(_encode, config, stop.is_set if stop else None), stop
    )


async def _answer(request: Request, config: TraceConfig) -> Response:
    encoded, hit = await cached_trace(request, config)
    accept = request.headers.get("accept-encoding", "")
    return encoded.response(accept, {"X-Cache": "hit" if hit else "miss"})


@router.post(
    "/trace",
    summary="Trace of one forward and backward pass",
    response_class=Response,
    responses=RESPONSES | error_responses(413),
)
async def post_trace(request: Request, config: TraceBody) -> Response:
    return await _answer(request, config)


@router.get(
    "/trace",
    summary="The same trace, configured by query parameters",
    response_class=Response,
    responses=RESPONSES,
)
async def get_trace(request: Request, config: Annotated[TraceConfig, Query()]) -> Response:
    return await _answer(request, config)
