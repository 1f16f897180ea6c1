"""core_speed: median milliseconds of one forward + full backprop through time with the whole trace
(Model.run: loss, grads, dL/dh_t, gates, cell), per kind and dtype, against PyTorch CPU autograd doing the
same work in the same process with the same thread count and dtype:
  torch_fused  nn.RNN / nn.LSTM / nn.GRU + nn.Linear, loss.backward() (parameter gradients only);
  torch_cells  an RNNCell / LSTMCell / GRUCell loop with retain_grad() on every h_t, so that it also yields
               the per-step dL/dh_t the trace records.
Every run scores a linear readout (K = D) with MSE at every step. ratio = ours / torch (below 1: ours is
faster). The table is timed with NumPy's BLAS threads as configured and, where threadpoolctl can change
them, again with one thread; torch gets the same number each time. A second table shows the time growing
linearly with T at fixed (B, H, D).
"""

import contextlib
import gc
import importlib.util
import os
import platform

import numpy as np

from app.bench import median_ms, progress
from app.core import KINDS, build_model

ROWS = [(1, 50, 32, 8), (16, 100, 64, 8), (32, 200, 128, 16), (64, 500, 256, 32)]  # (B, T, H, D)
SCALING_T = (100, 200, 500, 1000)
SCALING_BHD = (16, 64, 8)
DTYPES = ("float64", "float32")
# ours / torch_fused on float64 rows: the targets this code is held to
TARGETS = {"rnn": 0.6, "lstm": 0.7, "largest_row": 1.0}


def _data(B, T, D, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    y = rng.standard_normal((T, B, D)).astype(dtype)
    return x, y


def ours(kind, B, T, H, D, dtype):
    model = build_model(kind, D, H, D, seed=0, dtype=dtype)
    x, y = _data(B, T, D, dtype)
    return lambda: model.run(x, y, loss="mse", loss_on="all")


def torch_fused(torch, kind, B, T, H, D, dtype):
    tdtype = getattr(torch, dtype)
    net = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](D, H).to(tdtype)
    head = torch.nn.Linear(H, D).to(tdtype)
    x, y = (torch.from_numpy(a) for a in _data(B, T, D, dtype))

    def run():
        net.zero_grad(set_to_none=True)
        head.zero_grad(set_to_none=True)
        out, _ = net(x)
        loss = ((head(out) - y) ** 2).mean(dim=2).sum() / B
        loss.backward()
        return loss.item()

    return run


def torch_cells(torch, kind, B, T, H, D, dtype):
    tdtype = getattr(torch, dtype)
    cell = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[kind](D, H).to(
        tdtype
    )
    head = torch.nn.Linear(H, D).to(tdtype)
    x, y = (torch.from_numpy(a) for a in _data(B, T, D, dtype))

    def run():
        cell.zero_grad(set_to_none=True)
        head.zero_grad(set_to_none=True)
        h = torch.zeros(B, H, dtype=tdtype)
        c = torch.zeros(B, H, dtype=tdtype)
        hs = []
        for t in range(T):
            if kind == "lstm":
                h, c = cell(x[t], (h, c))
            else:
                h = cell(x[t], h)
            h.retain_grad()
            hs.append(h)
        loss = ((head(torch.stack(hs)) - y) ** 2).mean(dim=2).sum() / B
        loss.backward()
        return torch.stack([h.grad for h in hs])  # (T, B, H) dL/dh_t, as in the trace

    return run


def environment(torch) -> dict:
    """Versions, threads and which BLAS kernel runs: the figures mean little without them."""
    env = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "torch": getattr(torch, "__version__", None),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
    }
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        env["threadpools"] = None
    else:
        keys = ("user_api", "internal_api", "version", "architecture", "num_threads", "threading_layer")
        env["threadpools"] = [
            {k: pool.get(k) for k in keys} | {"library": os.path.basename(pool["filepath"])}
            for pool in threadpool_info()
        ]
    if torch is not None:
        env["torch_threads"] = torch.get_num_threads()
        env["torch_mkl"] = torch.backends.mkl.is_available()
    return env


def numpy_blas_threads() -> int:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return int(os.environ.get("OPENBLAS_NUM_THREADS") or os.cpu_count() or 1)
    blas = [p for p in threadpool_info() if p["user_api"] == "blas" and "numpy" in p["filepath"]]
    return blas[0]["num_threads"] if blas else int(os.cpu_count() or 1)


@contextlib.contextmanager
def blas_threads(n: int):
    """NumPy's BLAS limited to n threads inside the block (needs threadpoolctl), torch set to the same."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n, user_api="blas"):
        yield


def thread_settings() -> list[int]:
    """The BLAS threads as configured and, where threadpoolctl can change them, also one thread: on a
    machine whose cores are busy with other work, threads mostly wait for each other, and the one-thread
    figures are the steadier comparison."""
    configured = numpy_blas_threads()
    if configured == 1 or importlib.util.find_spec("threadpoolctl") is None:
        return [configured]
    return [configured, 1]


def _ms(value: float) -> float:
    return round(value, 3)


def _table(torch, rows, repeats: int, threads: int) -> list[dict]:
    table = []
    for dtype in DTYPES:
        for kind in KINDS:
            for B, T, H, D in rows:
                fns = {"ours": ours(kind, B, T, H, D, dtype)}
                if torch is not None:
                    fns["torch_fused"] = torch_fused(torch, kind, B, T, H, D, dtype)
                    fns["torch_cells"] = torch_cells(torch, kind, B, T, H, D, dtype)
                gc.collect()
                ms = median_ms(fns, repeats=repeats if T * B * H < 1e6 else max(3, repeats // 3))
                row = {"threads": threads, "kind": kind, "dtype": dtype, "B": B, "T": T, "H": H, "D": D}
                row.update({f"{name}_ms": _ms(v) for name, v in ms.items()})
                if torch is not None:
                    row["ratio_fused"] = round(ms["ours"] / ms["torch_fused"], 3)
                    row["ratio_cells"] = round(ms["ours"] / ms["torch_cells"], 3)
                table.append(row)
                progress(
                    f"core_speed threads={threads} {dtype} {kind:4} B={B:<3} T={T:<4} H={H:<4} D={D:<3} "
                    + "  ".join(f"{name} {v:9.2f} ms" for name, v in ms.items())
                )
                del fns
    return table


def _scaling(repeats: int, threads: int) -> list[dict]:
    scaling = []
    B, H, D = SCALING_BHD
    for kind in KINDS:
        base = None
        for T in SCALING_T:
            ms = median_ms({"ours": ours(kind, B, T, H, D, "float64")}, repeats=repeats)["ours"]
            base = base or ms / T
            scaling.append(
                {
                    "threads": threads,
                    "kind": kind,
                    "dtype": "float64",
                    "B": B,
                    "T": T,
                    "H": H,
                    "D": D,
                    "ours_ms": _ms(ms),
                    "ms_per_step": round(ms / T, 4),
                    "per_step_vs_shortest": round(ms / T / base, 3),
                }
            )
            progress(
                f"core_speed scaling threads={threads} {kind:4} T={T:<5} {ms:9.2f} ms  {ms / T:.4f} ms/step"
            )
    return scaling


def run(quick: bool) -> dict:
    try:
        import torch
    except ImportError:
        torch = None
        progress("core_speed: torch is not installed; timing the NumPy core only")
    rows = ROWS[:-1] if quick else ROWS
    repeats = 5 if quick else 15
    settings = thread_settings()
    if torch is not None:
        torch.set_num_threads(settings[0])
    environment_before = environment(torch)
    table, scaling = [], []
    for threads in settings:
        limit = blas_threads(threads) if threads != settings[0] else contextlib.nullcontext()
        with limit:
            if torch is not None:
                torch.set_num_threads(threads)
            table += _table(torch, rows, repeats, threads)
            if threads == settings[-1]:  # the steadier setting shows the growth in T best
                scaling = _scaling(repeats, threads)
    if torch is not None:
        torch.set_num_threads(settings[0])

    result = {
        "description": __doc__.strip().splitlines()[0],
        "quick": quick,
        "repeats": repeats,
        "threads": settings,
        "environment": environment_before,
        "rows": table,
        "scaling": scaling,
    }
    if torch is not None:
        result["targets"] = [
            {"threads": n} | _targets([r for r in table if r["threads"] == n]) for n in settings
        ]
    return result


def _targets(table: list[dict]) -> dict:
    """Which float64 rows meet the ours/torch_fused targets."""
    largest = ROWS[-1]
    misses = []
    for row in table:
        if row["dtype"] != "float64" or row["kind"] not in TARGETS:
            continue
        is_largest = (row["B"], row["T"], row["H"], row["D"]) == largest
        target = TARGETS["largest_row"] if is_largest else TARGETS[row["kind"]]
        if row["ratio_fused"] > target:
            misses.append(
                {k: row[k] for k in ("kind", "B", "T", "H", "D", "ratio_fused")} | {"target": target}
            )
    return {"ratio_fused_max": TARGETS, "met": not misses, "misses": misses}
