"""analysis_speed: median milliseconds of one Model.run (forward + full BPTT with the trace) plus every per-step
analysis the page shows, app.core.analysis.analyse(): ‖dL/dh_t‖ (and ‖dL/dc_t‖), each step's share of the
recurrent weight gradient, ‖∂s_T/∂s_t‖₂ for every t and the T × T connectivity ‖∂ŷ_t/∂x_s‖_F, per kind, for
the default run sizes (B = 1…32, T ≤ 100, H ≤ 64, D = K = 8, float64). Target: total ≤ 50 ms on every row.

Columns: run_ms (Model.run alone), analyses_ms (analyse on a recorded trace), total_ms (both, what a request
costs). The largest row of each kind also times each analysis alone (each then computes its own step
Jacobians). Text-sized rows (D = K = 198, the character task's vocabulary) are shown outside the target.
Every row is timed in two settings: as a library call runs by default (the BLAS thread pool as it is, the
analyses one after the other), and as the server runs it (one BLAS thread per call, app.blas, and the
analyses on two threads, analysis.analyse(parallel=True); needs threadpoolctl). The products
here are (hundreds × 128) × (128 × 64), where a second BLAS thread helps little on an idle machine and
costs many times over when other processes hold the cores. The load average is recorded for the same
reason: on a shared machine the figures mean little without it.
"""

import contextlib
import gc
import itertools
import os

import numpy as np

from app.bench import median_ms, progress
from app.core import KINDS, analysis, build_model

ROWS = [(B, T, H, 8) for T, H, B in itertools.product((50, 100), (32, 64), (1, 16, 32))]  # (B, T, H, D)
QUICK_ROWS = [(1, 50, 32, 8), (32, 100, 64, 8)]
TEXT_ROWS = [(16, 100, 64, 198)]  # outside the target: K = D = 198 costs ~8× the connectivity work
TARGET_MS = 50.0


def _setup(kind, B, T, H, D, seed=0):
    model = build_model(kind, D, H, D, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, B, D))
    y = rng.standard_normal((T, B, D))
    return model, x, y, model.run(x, y)


def _load() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _settings() -> list[tuple[str, bool, object]]:
    """(label, parallel analyses, BLAS-limiting context) for each setting the module docstring names."""
    settings = [("default", False, contextlib.nullcontext)]
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        progress("analysis_speed: threadpoolctl is not installed; timing the library default only")
    else:
        settings.append(("server", True, lambda: threadpool_limits(limits=1, user_api="blas")))
    return settings


def run(quick: bool) -> dict:
    repeats = 3 if quick else 9
    load_before = _load()
    settings = _settings()
    rows = QUICK_ROWS if quick else ROWS + TEXT_ROWS
    largest = max(ROWS, key=lambda r: r[0] * r[1] * r[2])
    table = []
    for (setting, parallel, limit), kind in itertools.product(settings, KINDS):
        for B, T, H, D in rows:
            model, x, y, trace = _setup(kind, B, T, H, D)
            fns = {
                "run": lambda model=model, x=x, y=y: model.run(x, y),
                "analyses": lambda m=model, tr=trace, p=parallel: analysis.analyse(m, tr, parallel=p),
                "total": lambda m=model, x=x, y=y, p=parallel: analysis.analyse(m, m.run(x, y), parallel=p),
            }
            if (B, T, H, D) == largest:
                fns.update(
                    grad_norms=lambda trace=trace: analysis.grad_norms(trace),
                    weight_grad_contributions=lambda m=model, tr=trace: analysis.weight_grad_contributions(
                        m, tr
                    ),
                    jacobian_norms=lambda m=model, tr=trace: analysis.jacobian_norms(m, tr),
                    connectivity=lambda m=model, tr=trace: analysis.connectivity(m, tr),
                )
            gc.collect()
            with limit():
                ms = median_ms(fns, repeats=repeats)
            row = {
                "kind": kind,
                "setting": setting,
                "parallel_analyses": parallel,
                "B": B,
                "T": T,
                "H": H,
                "D": D,
                "K": D,
            }
            row.update({f"{name}_ms": round(v, 2) for name, v in ms.items()})
            row["in_target"] = D == 8
            row["meets_target"] = ms["total"] <= TARGET_MS if D == 8 else None
            table.append(row)
            progress(
                f"analysis_speed {setting:7} {kind:4} B={B:<3} T={T:<4} H={H:<3} D=K={D:<4} "
                + "  ".join(f"{name} {v:8.2f} ms" for name, v in ms.items())
            )
    summary = {}
    for setting, _, _ in settings:
        targeted = [r for r in table if r["in_target"] and r["setting"] == setting]
        summary[setting] = {
            "all_within_target": all(r["meets_target"] for r in targeted),
            "worst_total_ms": max(r["total_ms"] for r in targeted),
            "misses": [
                {k: r[k] for k in ("kind", "B", "T", "H", "total_ms")}
                for r in targeted
                if not r["meets_target"]
            ],
        }
    return {
        "description": __doc__.strip().splitlines()[0],
        "quick": quick,
        "repeats": repeats,
        "target_ms": TARGET_MS,
        "load_average": {"before": load_before, "after": _load()},
        "rows": table,
        "by_setting": summary,
    }
