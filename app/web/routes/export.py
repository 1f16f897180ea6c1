"""Downloads: a trace or a finished training run as CSV or JSON, with Content-Disposition.

    GET|POST /api/export/trace.json   the /api/trace payload             (TraceConfig)
    GET|POST /api/export/trace.csv    one row per (cell, t), t = 1…T     (TraceConfig)
    GET|POST /api/export/train.json   the /api/train payload             (TrainConfig)
    GET|POST /api/export/train.csv    one row per (snapshot, cell)       (TrainConfig)

GET takes the configuration as query parameters, so a download button can be a plain link. Runs are
deterministic, so exporting is answering the same configuration again: from the cache when it is there.
The file name carries a short hash of the configuration. CSV numbers are written as the JSON writes them
(four significant digits, the shortest decimal: app/web/infrastructure/encode.py); non-finite numbers are empty cells.
"""

import csv
import hashlib
import io
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.web.infrastructure.cache import canonical_key
from app.web.infrastructure.encode import number_text
from app.web.infrastructure.errors import WEIGHTS_GONE, error_responses
from app.web.routes.trace import cached_trace
from app.web.routes.train import cached_run
from app.web.schemas import TraceBody, TraceConfig, TrainBody, TrainConfig

router = APIRouter(prefix="/api/export", tags=["export"])


def _responses(media: str, body: bool) -> dict:
    """What an export sends: the file (JSON or CSV) or an error; a whole training run can be refused
    for its size (422) and every computation for lack of a free slot (503)."""
    schema = {"type": "object"} if media == "application/json" else {"type": "string"}
    ok = {200: {"description": "The file, as an attachment.", "content": {media: {"schema": schema}}}}
    return ok | error_responses(*WEIGHTS_GONE, *((413,) if body else ()), 422, 503)


_JSON = "application/json"
_CSV = "text/csv"

TRACE_COLUMNS = [
    "cell",
    "t",
    "step_loss",
    "grad_hidden_norm",
    "grad_hidden_bound",
    "grad_cell_norm",
    "jacobian_norm",
    "jacobian_bound",
]
TRAIN_COLUMNS = [
    "step",
    "cell",
    "train_loss",
    "test_loss",
    "test_accuracy",
    "grad_norm",
    "clipped",
    "clip_events",
    "solved",
    "elapsed",
]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) or hasattr(value, "dtype"):
        return number_text(value)  # the JSON's precision: no float noise, non-finite as an empty cell
    return str(value)


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def trace_csv(payload: dict) -> str:
    """One row per (cell, t): the per-step curves of every cell side by side."""
    extra: list[str] = []
    for cell in payload["cells"].values():
        extra += [f"weight_grad_{n}" for n in cell["weight_grad"] if f"weight_grad_{n}" not in extra]
        extra += [f"gate_mean_{n}" for n in cell["gate_means"] if f"gate_mean_{n}" not in extra]
    rows = []
    for kind, cell in payload["cells"].items():
        series = {
            "step_loss": cell["step_loss"],
            "grad_hidden_norm": cell["grad_hidden_norm"],
            "grad_hidden_bound": cell["grad_hidden_bound"],
            "grad_cell_norm": cell["grad_cell_norm"],
            "jacobian_norm": cell["jacobian_norm"],
            "jacobian_bound": cell["jacobian_bound"],
            **{f"weight_grad_{n}": a for n, a in cell["weight_grad"].items()},
            **{f"gate_mean_{n}": a for n, a in cell["gate_means"].items()},
        }
        for t in range(payload["sizes"]["T"]):
            row = [kind, t + 1]  # numbered 1…T, as the lecture and the charts number the steps
            for column in TRACE_COLUMNS[2:] + extra:
                obj = series.get(column)
                row.append(None if obj is None else obj["data"][t])
            rows.append(row)
    return _csv(TRACE_COLUMNS + extra, rows)


def train_csv(payload: dict) -> str:
    """One row per (snapshot, cell): the training curves."""
    rows = []
    for snap in payload["snapshots"]:
        for kind, cell in snap["cells"].items():
            rows.append(
                [
                    snap["step"],
                    kind,
                    cell["train_loss"],
                    cell["test_loss"],
                    cell["test_accuracy"],
                    cell["grad_norm"],
                    cell["clipped"],
                    cell["clip_events"],
                    cell["solved"],
                    snap["elapsed"],
                ]
            )
    return _csv(TRAIN_COLUMNS, rows)


def _download(body: bytes | str, area: str, key: str, extension: str) -> Response:
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    media = "text/csv; charset=utf-8" if extension == "csv" else "application/json"
    return Response(
        body.encode() if isinstance(body, str) else body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="gradflow-{area}-{digest}.{extension}"'},
    )


async def _trace(request: Request, config: TraceConfig, extension: str) -> Response:
    encoded, _ = await cached_trace(request, config)
    key = canonical_key("trace", config.canonical())
    body = encoded.body if extension == "json" else trace_csv(encoded.payload)
    return _download(body, "trace", key, extension)


async def _train(request: Request, config: TrainConfig, extension: str) -> Response:
    run, _ = await cached_run(request, config)
    key = canonical_key("train", config.canonical())
    body = run.encoded_whole().body if extension == "json" else train_csv(run.payload())
    return _download(body, "train", key, extension)


@router.post(
    "/trace.json",
    response_class=Response,
    responses=_responses(_JSON, True),
    summary="Download a trace as JSON",
)
async def trace_json_post(request: Request, config: TraceBody) -> Response:
    return await _trace(request, config, "json")


@router.get(
    "/trace.json",
    response_class=Response,
    responses=_responses(_JSON, False),
    summary="Download a trace as JSON (query parameters)",
)
async def trace_json_get(request: Request, config: Annotated[TraceConfig, Query()]) -> Response:
    return await _trace(request, config, "json")


@router.post(
    "/trace.csv",
    response_class=Response,
    responses=_responses(_CSV, True),
    summary="Download a trace's per-step curves as CSV",
)
async def trace_csv_post(request: Request, config: TraceBody) -> Response:
    return await _trace(request, config, "csv")


@router.get(
    "/trace.csv",
    response_class=Response,
    responses=_responses(_CSV, False),
    summary="Download a trace's per-step curves as CSV (query parameters)",
)
async def trace_csv_get(request: Request, config: Annotated[TraceConfig, Query()]) -> Response:
    return await _trace(request, config, "csv")


@router.post(
    "/train.json",
    response_class=Response,
    responses=_responses(_JSON, True),
    summary="Download a finished training run as JSON",
)
async def train_json_post(request: Request, config: TrainBody) -> Response:
    return await _train(request, config, "json")


@router.get(
    "/train.json",
    response_class=Response,
    responses=_responses(_JSON, False),
    summary="Download a finished training run as JSON (query parameters)",
)
async def train_json_get(request: Request, config: Annotated[TrainConfig, Query()]) -> Response:
    return await _train(request, config, "json")


@router.post(
    "/train.csv",
    response_class=Response,
    responses=_responses(_CSV, True),
    summary="Download a finished training run's curves as CSV",
)
async def train_csv_post(request: Request, config: TrainBody) -> Response:
    return await _train(request, config, "csv")


@router.get(
    "/train.csv",
    response_class=Response,
    responses=_responses(_CSV, False),
    summary="Download a finished training run's curves as CSV (query parameters)",
)
async def train_csv_get(request: Request, config: Annotated[TrainConfig, Query()]) -> Response:
    return await _train(request, config, "csv")
