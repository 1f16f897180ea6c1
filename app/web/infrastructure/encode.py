"""JSON at the edge: NumPy arrays straight to bytes, floats rounded, non-finite numbers as null.

orjson serialises C-contiguous NumPy arrays natively (no `.tolist()` round trip), which is what makes a
100 kB trace cheap to encode. Every float the API sends goes through `round_significant` first: four
significant digits is more than a chart can show and halves the payload. orjson writes NaN and ±inf as
`null` (JSON has no spelling for them); the objects that hold such values say so themselves with
`"overflow": true` and the first step where it happened, so a null is never silent.

Every array leaves as {"shape", "axes", "meaning", "data"}: the shape and axis names let a reader (or the
page) check that it got what it expected, and `meaning` says what the numbers are in one sentence.
"""

import gzip
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
from starlette.responses import Response

SIGNIFICANT_DIGITS = 4
_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def round_significant(values, digits: int = SIGNIFICANT_DIGITS) -> np.ndarray:
    """Round every element to `digits` significant digits; zeros and non-finite values pass unchanged.

    Scaling by an exact power of ten (10**k is exact for |k| ≤ 22) and dividing back gives the double that
    is nearest to the short decimal, so orjson prints "0.1235" and not "0.12350000000000001". Beyond that
    range the power of ten is itself rounded (6.727e30 would come back as 6.727000000000001e30), so those
    values, rare outside an exploding gradient, are read back from their decimal text instead.
    """
    a = np.array(values, dtype=np.float64)  # a copy: callers' arrays are never modified
    with np.errstate(all="ignore"):
        ok = np.isfinite(a) & (a != 0.0)
        if not ok.any():
            return a
        magnitude = np.floor(np.log10(np.abs(np.where(ok, a, 1.0))))
        shift = (digits - 1) - magnitude  # multiply by 10**shift to get `digits` digits before the point
        up = ok & (shift >= 0) & (shift <= 300)
        down = ok & (shift < 0)
        scale = 10.0 ** shift[up]
        a[up] = np.round(a[up] * scale) / scale
        scale = 10.0 ** (-shift[down])
        a[down] = np.round(a[down] / scale) * scale
        inexact = np.flatnonzero(ok & (np.abs(shift) > 22))
    flat = a.reshape(-1)
    for i in inexact:
        flat[i] = float(f"{flat[i]:.{digits - 1}e}")
    return a


def number_text(value) -> str:
    """One number as the API's JSON writes it (rounded, shortest decimal); "" for a missing or non-finite one.

    CSV exports use it, so a file holds the same text as the JSON: 0.1235, 7.252e15, 6.727e30.
    """
    rounded = number(value)
    return "" if rounded is None else dumps(rounded).decode()


def number(value) -> float | None:
    """One float, rounded; None for a missing or non-finite value."""
    if value is None:
        return None
    value = float(value)
    if not np.isfinite(value):
        return None
    return float(round_significant(value))


def first_nonfinite_step(values) -> int | None:
    """Index along axis 0 (time) of the first non-finite element, None when all are finite."""
    a = np.asarray(values, dtype=np.float64)
    if a.size == 0:
        return None
    bad = ~np.isfinite(a.reshape(a.shape[0], -1)).all(axis=1) if a.ndim else ~np.isfinite(a[None])
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


def array(values, meaning: str, axes: Sequence[str], **extra: Any) -> dict:
    """{"shape", "axes", "meaning", "data"} for a float array (rounded), plus any extra keys given."""
    data = round_significant(values)
    if len(axes) != data.ndim:
        raise ValueError(f"{len(axes)} axis names for an array of shape {data.shape}")
    return {"shape": list(data.shape), "axes": list(axes), "meaning": meaning, "data": data, **extra}


def int_array(values, meaning: str, axes: Sequence[str], **extra: Any) -> dict:
    """The same object for integer data (class labels, masks), sent exactly."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    if len(axes) != data.ndim:
        raise ValueError(f"{len(axes)} axis names for an array of shape {data.shape}")
    return {"shape": list(data.shape), "axes": list(axes), "meaning": meaning, "data": data, **extra}


def _default(value: Any) -> Any:
    if isinstance(value, np.ndarray):  # orjson only takes C-contiguous arrays of plain dtypes natively
        return np.ascontiguousarray(value).tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(payload: Any) -> bytes:
    """Encode to JSON bytes; NumPy arrays and scalars natively, NaN and ±inf as null."""
    return orjson.dumps(payload, default=_default, option=_OPTIONS)


GZIP_LEVEL = (
    1  # 183 kB → 70 kB in 5 ms (level 6: 59 kB in 18 ms); a laptop's CPU is scarcer than LAN bandwidth
)


def compress(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


class JSONResponse(Response):
    """A response whose content is encoded by `dumps` (NumPy-aware, non-finite as null)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


class EncodedJSON:
    """A payload encoded once, kept as bytes with its gzipped form, so a cached answer costs a lookup.

    Only the bytes are kept (`payload` decodes them again when an export needs the structure), so a cached
    result costs its JSON and gzip sizes in memory (`nbytes`). `response(accept_encoding)` answers with the
    gzipped bytes when the client accepts gzip (the GZip middleware leaves responses that already carry
    Content-Encoding alone), the plain bytes otherwise.
    """

    __slots__ = ("_gzipped", "body")

    def __init__(self, payload: Any):
        self.body = dumps(payload)
        self._gzipped: bytes | None = None

    @property
    def payload(self) -> Any:
        return orjson.loads(self.body)

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = compress(self.body)
        return self._gzipped

    @property
    def nbytes(self) -> int:
        return len(self.body) + len(self._gzipped or b"")

    def response(self, accept_encoding: str = "", headers: dict[str, str] | None = None) -> Response:
        headers = {"Vary": "Accept-Encoding", **(headers or {})}
        if "gzip" in accept_encoding:
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, media_type="application/json", headers=headers)
        return Response(self.body, media_type="application/json", headers=headers)
