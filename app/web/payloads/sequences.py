"""POST /api/input: your own numeric input sequence, and optional targets, for an uploaded network; a trace, an
export or a gradient check names it by the hash this returns, in its `input` field (with `weights`).

Form fields: `file`, the input x, T × D (CSV, one row per step, or .npy); optional `targets`, T × K (or T
values for K = 1). Both are read by app/core/sequence.py, the reader `gradflow trace --input` uses, and every
problem is a 422 naming the field and where (line and column, step). The pair lives in this process's memory
only, in a store like the weights' (bounded count and lifetime, addressed by the SHA-256 of both files), so a
page's link names it while the server holds it.

A trace of your own sequence has one example (batch 1), is scored by MSE against the targets (zeros when
none are given: then the loss is the mean square of the outputs), on every step unless `loss_on` says the
last, with a linear output unless `output` says softmax. The input's D must be the uploaded network's, and
the targets' K its readout's when the file has one; the 422 names both numbers.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.core.sequence import MAX_BYTES, SequenceError, read_sequence
from app.core.torch_import import Imported
from app.web.infrastructure.errors import ConfigError
from app.web.payloads.weights import WeightsStore, _bounded_body, _invalid, parse_form

MAX_BODY = 2 * MAX_BYTES + 64 * 1024  # both files plus the multipart framing

router = APIRouter(prefix="/api", tags=["weights"])


@dataclass(frozen=True)
class Sequence:
    x: np.ndarray  # (T, D)
    y: np.ndarray | None  # (T, K), None: no targets given


STORE = WeightsStore(field="input")


def digest_of(x_data: bytes, y_data: bytes | None) -> str:
    h = hashlib.sha256(x_data)
    if y_data is not None:
        h.update(b"\0targets=" + y_data)
    return h.hexdigest()


def read_pair(x_data: bytes, x_name: str, y_data: bytes | None, y_name: str) -> Sequence:
    """The input and targets, read and checked against each other (same T)."""
    x = read_sequence(x_data, x_name, "input")
    y = None if y_data is None else read_sequence(y_data, y_name, "targets")
    if y is not None and len(y) != len(x):
        raise SequenceError(f"targets has T = {len(y)} rows; the input has T = {len(x)}")
    return Sequence(x, y)


def summary(digest: str, seq: Sequence) -> dict:
    T, D = seq.x.shape
    return {
        "input": digest,
        "T": T,
        "D": D,
        "K": None if seq.y is None else seq.y.shape[1],
        "lifetime_seconds": STORE.lifetime,
    }


def resolve_input(config, imported: Imported):
    """The configuration as it runs on your sequence: one example, MSE, the upload's kind and H; a 422 naming
    `input` when its D (or the targets' K) does not fit the network, with both numbers."""
    seq = STORE.get(config.input)
    D = seq.x.shape[1]
    if D != imported.input_size:
        raise ConfigError(
            "input",
            f"input has D = {D} columns; the uploaded {imported.kind} takes D = {imported.input_size}",
        )
    if seq.y is not None and imported.output_size not in (None, seq.y.shape[1]):
        raise ConfigError(
            "input",
            f"targets has K = {seq.y.shape[1]} columns; the uploaded network's readout gives K = "
            f"{imported.output_size}",
        )
    return config.model_copy(
        update={
            "cells": [imported.kind],
            "H": imported.hidden_size,
            "batch": 1,
            "example": 0,
            "output": config.output or "linear",
            "loss": "mse",
            "loss_on": config.loss_on or "all",
        }
    )


def batch_of(config, imported: Imported) -> tuple[np.ndarray, np.ndarray]:
    """x (T, 1, D) and y (T, 1, K) of a configuration's `input`; zeros for missing targets."""
    seq = STORE.get(config.input)
    y = seq.y if seq.y is not None else np.zeros((len(seq.x), imported.output_size or 1))
    return seq.x[:, None, :], y[:, None, :]


def input_task(
    T: int, D: int, K: int, output: str, loss: str, loss_on: str, targets: bool, title: str
) -> dict:
    """What a trace payload says of its data when it is your own sequence rather than a task's."""
    return {
        "name": "input",
        "title": title,
        "input_size": D,
        "output_size": K,
        "length": T,
        "output": output,
        "loss": loss,
        "loss_on": loss_on,
        "targets": "given" if targets else "zeros",
    }


@router.post(
    "/input",
    summary="Upload your own input sequence (and targets) for an uploaded network's traces",
    responses={
        200: {"description": "The hash to name in a trace's `input` field, and the sequence's sizes."},
        413: {"description": "The upload is larger than the limit."},
        422: {"description": "Not a readable T × D table; `message` says where (line, column, step)."},
    },
)
async def post_input(request: Request) -> JSONResponse:
    parts = parse_form(await _bounded_body(request, MAX_BODY), request.headers.get("content-type", ""))
    if "file" not in parts:
        return _invalid("file", "the form has no field named `file` holding the input sequence", "missing")
    x_name, x_data = parts["file"]
    y_name, y_data = parts.get("targets", (None, None))
    try:
        seq = read_pair(x_data, x_name or "", y_data, y_name or "")
    except SequenceError as err:
        field = "targets" if str(err).startswith("targets") else "file"
        return _invalid(field, str(err), "sequence")
    digest = digest_of(x_data, y_data)
    STORE.put(digest, seq)
    return JSONResponse(summary(digest, seq))


@router.get("/input/{digest}", summary="Whether the server still holds an uploaded sequence, and its sizes")
async def get_input(digest: str) -> JSONResponse:
    return JSONResponse(summary(digest, STORE.get(digest)))
