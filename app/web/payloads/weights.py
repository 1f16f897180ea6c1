"""POST /api/weights: upload a trained PyTorch network (app/core/torch_import.py) and get the hash that a trace,
an export or a gradient check names in its `weights` field; GET /api/weights/{hash} says whether the server
still holds it.

Uploads live in this process's memory only, never on disk: the body is read into memory up to a bound and
parsed there (python-multipart's streaming parser, fed from bytes), and the parsed weights are kept in a
store bounded in count (MAX_ENTRIES, the oldest dropped first) and lifetime (LIFETIME_SECONDS from the
last upload or use). Each is addressed by the SHA-256 of the file's bytes (and of the readout prefix, when
the upload names one), so uploading the same file twice gives the same hash, and a Share link that names
it works while the server holds it: afterwards the answer is 410 (held once, since dropped) or 404 (never
held here, e.g. after a restart), naming the hash and saying to upload the file again.

Form fields: `file` (the .safetensors or .npz), optional `readout` (the nn.Linear's key prefix; empty for
none; absent to find it by shape). The RNN's tanh or relu is the trace's own `activation` field.
"""

import hashlib
import threading
import time
from collections import OrderedDict, deque
from dataclasses import replace

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.core import torch_import
from app.core.tasks import TASKS
from app.core.torch_import import Imported, WeightsError
from app.web.infrastructure.errors import ConfigError

MAX_ENTRIES = 16  # uploads held at once; with MAX_PARAMETERS float64 numbers each, at most 128 MB
LIFETIME_SECONDS = 3600.0
MAX_BODY = torch_import.MAX_BYTES + 64 * 1024  # the file plus the multipart framing and the readout field
GONE_REMEMBERED = 1024  # dropped hashes remembered, to answer 410 rather than 404

router = APIRouter(prefix="/api", tags=["weights"])


class WeightsGone(HTTPException):
    """The named upload is not (or no longer) held: 410 if it was, 404 if it never was."""

    def __init__(self, digest: str, was_held: bool, field: str = "weights"):
        reason = (
            "was dropped (uploads are kept in memory "
            f"{LIFETIME_SECONDS / 60:.0f} min from their last use, {MAX_ENTRIES} at a time)"
            if was_held
            else "is not held by this server (uploads are kept in memory only, and not across restarts)"
        )
        super().__init__(410 if was_held else 404, f"{field} {digest} {reason}; upload the file again")


class WeightsStore:
    """hash → an upload (Imported weights, or a sequence: `field` names which in messages), bounded in count
    and lifetime; safe to use from the worker threads."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        lifetime: float = LIFETIME_SECONDS,
        clock=time.monotonic,
        field: str = "weights",
    ):
        self.max_entries, self.lifetime, self.clock = max_entries, lifetime, clock
        self.field = field
        self._held: OrderedDict[str, tuple[Imported, float]] = OrderedDict()
        self._gone: deque[str] = deque(maxlen=GONE_REMEMBERED)
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        for digest in [d for d, (_, until) in self._held.items() if until <= now]:
            del self._held[digest]
            self._gone.append(digest)

    def put(self, digest: str, imported: Imported) -> None:
        with self._lock:
            now = self.clock()
            self._expire(now)
            self._held[digest] = (imported, now + self.lifetime)
            self._held.move_to_end(digest)
            while len(self._held) > self.max_entries:
                self._gone.append(self._held.popitem(last=False)[0])

    def get(self, digest: str) -> Imported:
        """The upload, its lifetime renewed; WeightsGone when it is not held."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            if digest not in self._held:
                raise WeightsGone(digest, digest in self._gone, self.field)
            imported, _ = self._held[digest]
            self._held[digest] = (imported, now + self.lifetime)
            self._held.move_to_end(digest)
            return imported

    def __len__(self) -> int:
        return len(self._held)


STORE = WeightsStore()


def digest_of(data: bytes, readout: str | None) -> str:
    h = hashlib.sha256(data)
    if readout is not None:
        h.update(b"\0readout=" + readout.encode())
    return h.hexdigest()


def resolve(config):
    """The configuration as it runs: with `weights`, the upload's kind and H in place of cells and H (for the
    budget check and the cache key), and a 422 naming `weights` when the task's sizes do not fit it;
    unchanged without."""
    if not getattr(config, "weights", None):
        if getattr(config, "input", None):
            raise ConfigError(
                "input", "input is traced by an uploaded network: name it in `weights` (POST /api/weights)"
            )
        return config
    imported = STORE.get(config.weights)
    if getattr(config, "input", None):
        from app.web.payloads.sequences import resolve_input  # your own sequence: its D, not the task's

        return resolve_input(config, imported)
    params = config.task_params()
    D, K = TASKS[config.task].input_size(**params), TASKS[config.task].output_size(**params)
    if imported.input_size != D:
        raise ConfigError(
            "weights",
            f"the uploaded {imported.kind} takes D = {imported.input_size} inputs per step; "
            f"task {config.task} gives {D}",
        )
    if imported.output_size not in (None, K):
        raise ConfigError(
            "weights",
            f"the file's readout has K = {imported.output_size} outputs; task {config.task} needs {K}",
        )
    return config.model_copy(update={"cells": [imported.kind], "H": imported.hidden_size})


def imported_for(config) -> Imported:
    """The upload a configuration names, with the configuration's RNN activation."""
    imported = STORE.get(config.weights)
    return replace(imported, activation=config.activation) if imported.kind == "rnn" else imported


def summary(digest: str, imported: Imported) -> dict:
    return {
        "weights": digest,
        "kind": imported.kind,
        "gru_form": "torch" if imported.kind == "gru" else None,
        "input_size": imported.input_size,
        "hidden_size": imported.hidden_size,
        "output_size": imported.output_size,
        "prefix": imported.prefix,
        "readout_prefix": imported.readout_prefix,
        "lifetime_seconds": STORE.lifetime,
    }


async def _bounded_body(request: Request, limit: int = MAX_BODY) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the upload has {declared} bytes; the limit is {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"the upload exceeds the limit of {limit} bytes")
    return bytes(body)


def parse_form(body: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    """{field name: (filename or None, bytes)} of a multipart/form-data body held in memory."""
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise HTTPException(415, "send the upload as multipart/form-data with a field named `file`")
    parts: dict[str, tuple[str | None, bytes]] = {}
    part = {"headers": {}, "field": b"", "value": b"", "data": bytearray()}

    def begin():
        part.update(headers={}, field=b"", value=b"", data=bytearray())

    def header_field(data, start, end):
        part["field"] += data[start:end]

    def header_value(data, start, end):
        part["value"] += data[start:end]

    def header_end():
        part["headers"][part["field"].lower()] = part["value"]
        part.update(field=b"", value=b"")

    def data_(data, start, end):
        part["data"] += data[start:end]

    def end_():
        _, disposition = parse_options_header(part["headers"].get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        parts[name] = (None if filename is None else filename.decode("utf-8", "replace"), bytes(part["data"]))

    callbacks = {
        "on_part_begin": begin,
        "on_header_field": header_field,
        "on_header_value": header_value,
        "on_header_end": header_end,
        "on_part_data": data_,
        "on_part_end": end_,
    }
    try:
        parser = MultipartParser(options[b"boundary"], callbacks, max_size=MAX_BODY)
        parser.write(body)
        parser.finalize()
    except MultipartParseError as err:
        raise HTTPException(400, f"the body is not valid multipart/form-data: {err}") from None
    return parts


def _invalid(field: str, message: str, kind: str) -> JSONResponse:
    item = {"field": field, "loc": [field], "message": message, "type": kind}
    return JSONResponse({"message": message, "detail": [item]}, status_code=422)


@router.post(
    "/weights",
    summary="Upload a trained PyTorch RNN, LSTM or GRU (safetensors or .npz) for traces",
    responses={
        200: {"description": "The hash to name in a trace's `weights` field, and the network's sizes."},
        413: {"description": "The upload is larger than the limit."},
        422: {
            "description": "Not an importable state dict; `message` says why and `detail[0].type` names the case."
        },
    },
)
async def post_weights(request: Request) -> JSONResponse:
    parts = parse_form(await _bounded_body(request), request.headers.get("content-type", ""))
    if "file" not in parts:
        return _invalid("file", "the form has no field named `file` holding the weights", "missing")
    filename, data = parts["file"]
    readout = parts["readout"][1].decode("utf-8", "replace").strip() if "readout" in parts else None
    try:
        # parsed in a worker thread under the same admission limit as every computation (503 when busy);
        # an RNN's nonlinearity is given at trace time (the `activation` field), so "tanh" here is a placeholder
        imported = await request.app.state.limiter.run(
            torch_import.load_weights, data, filename or "", "tanh", readout
        )
    except WeightsError as err:
        return _invalid("file", str(err), f"weights_{err.reason}")
    digest = digest_of(data, readout)
    STORE.put(digest, imported)
    return JSONResponse(summary(digest, imported))


@router.get("/weights/{digest}", summary="Whether the server still holds an upload, and its sizes")
async def get_weights(digest: str) -> JSONResponse:
    return JSONResponse(summary(digest, STORE.get(digest)))
