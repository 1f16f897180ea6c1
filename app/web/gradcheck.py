"""POST /api/gradcheck and GET /api/gradcheck: the analytic gradient against centred finite differences.

For a configuration, each cell's gradient dL/dθ from backprop through time is compared, on a sample of
parameter entries, with (L(θ + ε) − L(θ − ε)) / 2ε computed by two extra forward passes. Entries are
drawn with the seed, round-robin over the parameters so that every W and b is checked at least once
when samples allows. Always float64.

relative error = |a − n| / max(|a| + |n|, floor), floor = 1e-15 · max(1, |L|) / (ε · tolerance):
a centred difference cannot resolve a gradient smaller than its own round-off (about 1e-15·|L|/ε), so
entries whose gradient has vanished below that are judged on their absolute error instead of reporting
noise as a failure. Truncated BPTT computes a deliberately different gradient from the loss's own, so
the check always compares the full gradient (`truncate_ignored` says when the configuration had one).
"""

from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.web.cache import canonical_key
from app.web.encode import EncodedJSON, number
from app.web.limits import check_budget, check_memory, pass_work, recorded_floats
from app.web.schemas import GradcheckConfig
from app.web.trace_payload import prepare, sequence_length

TOLERANCE = 1e-5

router = APIRouter(prefix="/api", tags=["gradcheck"])


def _entries(
    params: dict[str, np.ndarray], samples: int, rng: np.random.Generator
) -> list[tuple[str, tuple]]:
    names = list(params)
    picks = []
    for j in range(samples):
        name = names[j % len(names)]
        flat = int(rng.integers(params[name].size))
        picks.append((name, tuple(int(i) for i in np.unravel_index(flat, params[name].shape))))
    return picks


def check_cell(prep, kind: str, samples: int, epsilon: float, rng: np.random.Generator) -> dict:
    model = prep.models[kind]
    trace = prep.run(kind, full_bptt=True)

    def loss() -> float:
        return float(model.run(prep.x, prep.y, loss=prep.loss, loss_on=prep.loss_on, backward=False).loss)

    floor = 1e-15 * max(1.0, abs(trace.loss) if np.isfinite(trace.loss) else 1.0) / (epsilon * TOLERANCE)
    checks = []
    with np.errstate(all="ignore"):
        for name, index in _entries(model.params, samples, rng):
            p = model.params[name]
            original = p[index]
            p[index] = original + epsilon
            up = loss()
            p[index] = original - epsilon
            down = loss()
            p[index] = original
            numeric = (up - down) / (2 * epsilon)
            analytic = float(trace.grads[name][index])
            error = abs(analytic - numeric)
            relative = error / max(abs(analytic) + abs(numeric), floor)
            checks.append(
                {
                    "param": name,
                    "index": list(index),
                    "analytic": number(analytic),
                    "numeric": number(numeric),
                    "abs_error": number(error),
                    "relative_error": number(relative),
                }
            )
    errors = [c["relative_error"] for c in checks]
    worst = None if any(e is None for e in errors) else max(errors)
    return {
        "worst_relative_error": worst,
        "passed": worst is not None and worst < TOLERANCE,
        "overflow": not trace.finite,
        "floor": number(floor),
        "checks": checks,
    }


def gradcheck_payload(config: GradcheckConfig) -> dict:
    prep = prepare(config)
    rng = np.random.default_rng(config.seed)
    cells = {kind: check_cell(prep, kind, config.samples, config.epsilon, rng) for kind in config.cells}
    worsts = [c["worst_relative_error"] for c in cells.values()]
    worst = None if any(w is None for w in worsts) else max(worsts)
    return {
        "config": config.canonical() | {"output": prep.output, "loss": prep.loss, "loss_on": prep.loss_on},
        "cells": cells,
        "worst_relative_error": worst,
        "passed": all(c["passed"] for c in cells.values()),
        "tolerance": TOLERANCE,
        "truncate_ignored": config.truncate is not None,
    }


def check_gradcheck_budget(config: GradcheckConfig, budget: float) -> None:
    T = sequence_length(config)
    need = 8.0 * max(recorded_floats(kind, config.batch, T, config.H) for kind in config.cells)
    check_memory(
        need, {"batch": config.batch, "T": T, "H": config.H}, "a recorded pass grows as batch × T × H"
    )
    # one forward and backward pass, then two forward passes (a third of a pass each) per sample
    work = pass_work(config.cells, config.batch, T, config.H) * (1 + 2 * config.samples / 3)
    check_budget(
        work,
        budget,
        {"cells": len(config.cells), "batch": config.batch, "T": T, "H": config.H, "samples": config.samples},
        "cells × batch × T × H² × (1 + 2·samples/3)",
    )


def _encode(config: GradcheckConfig) -> EncodedJSON:
    return EncodedJSON(gradcheck_payload(config))


async def _answer(request: Request, config: GradcheckConfig) -> Response:
    state = request.app.state
    check_gradcheck_budget(config, state.settings.work_budget)
    key = canonical_key("gradcheck", config.canonical())
    encoded, hit = await state.cache.get_or_compute(key, lambda: state.limiter.run(_encode, config))
    return encoded.response(request.headers.get("accept-encoding", ""), {"X-Cache": "hit" if hit else "miss"})


RESPONSES = {
    200: {"description": "Per cell: the checked entries, the worst relative error, passed (docs/api.md)."},
    422: {"description": "A field out of bounds or unknown, or too much work."},
    503: {"description": "Busy: retry after the number of seconds in Retry-After."},
}


@router.post(
    "/gradcheck", summary="Analytic gradients against centred finite differences", responses=RESPONSES
)
async def post_gradcheck(request: Request, config: GradcheckConfig) -> Response:
    return await _answer(request, config)


@router.get("/gradcheck", summary="The same check, configured by query parameters", responses=RESPONSES)
async def get_gradcheck(request: Request, config: Annotated[GradcheckConfig, Query()]) -> Response:
    return await _answer(request, config)
