"""Your own sequence: a T × C table of numbers read from CSV text or a NumPy .npy file, checked as it is read.

    x = read_sequence(data, "x.csv", "input")     # (T, C) float64; a single column may be written as T values

The one reader of a sequence that the CLI (`gradflow trace --input`) and the API (POST /api/sequence) both
use. CSV is one row per time step, numbers separated by commas; blank lines are skipped. A .npy file is
read without unpickling (allow_pickle=False), so it cannot run code. Every problem is one SequenceError
that says where: the line and column of a CSV cell that is not a number, a row with a different number of
columns than the first, a non-finite value (its step and column), T or the file's size over the limit.
"""

import csv
import io

import numpy as np

MAX_STEPS = 500  # T, as the trace's T field allows
MAX_COLUMNS = 1024  # numbers per step
MAX_BYTES = 4 * 1024 * 1024  # a 500 × 1024 table written with ample digits fits
NPY_MAGIC = b"\x93NUMPY"


class SequenceError(ValueError):
    """A sequence that cannot be read; the message names `what` (input, targets) and where."""


def _csv(data: bytes, what: str) -> np.ndarray:
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as spreadsheet programs write, is not a number
    except UnicodeDecodeError as err:
        raise SequenceError(f"{what}: not a CSV text file (byte {err.start} is not UTF-8)") from None
    rows: list[list[float]] = []
    width = None
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not cells or all(not c.strip() for c in cells):
            continue
        if width is None:
            width = len(cells)
        elif len(cells) != width:
            raise SequenceError(f"{what} line {line} has {len(cells)} columns; the first row has {width}")
        row = []
        for column, cell in enumerate(cells, start=1):
            try:
                row.append(float(cell))
            except ValueError:
                shown = cell.strip()[:20]
                raise SequenceError(
                    f"{what} line {line}, column {column}: {shown!r} is not a number"
                ) from None
        rows.append(row)
        if len(rows) > MAX_STEPS:
            raise SequenceError(f"{what} has more than {MAX_STEPS} rows (time steps); T ≤ {MAX_STEPS}")
    if not rows:
        raise SequenceError(f"{what} holds no numbers")
    return np.array(rows, dtype=np.float64)


def _npy(data: bytes, what: str) -> np.ndarray:
    try:
        a = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise SequenceError(f"{what}: not a readable .npy array of numbers ({err})") from None
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "biuf":
        raise SequenceError(
            f"{what}: the .npy array must hold real numbers, not {getattr(a, 'dtype', type(a))}"
        )
    return a.astype(np.float64)


def read_sequence(data: bytes, name: str, what: str = "input") -> np.ndarray:
    """(T, C) float64 from the bytes of a .npy file (by its name or its first bytes) or of CSV text."""
    if len(data) > MAX_BYTES:
        raise SequenceError(f"{what} has {len(data)} bytes; the limit is {MAX_BYTES}")
    is_npy = name.lower().endswith(".npy") or data.startswith(NPY_MAGIC)
    a = _npy(data, what) if is_npy else _csv(data, what)
    if a.ndim == 1:
        a = a[:, None]  # T values: one column
    if a.ndim != 2:
        raise SequenceError(f"{what} must be a T × columns table, not an array of shape {a.shape}")
    T, C = a.shape
    if not 1 <= T <= MAX_STEPS:
        raise SequenceError(f"{what} has T = {T} rows (time steps); it must have 1 to {MAX_STEPS}")
    if not 1 <= C <= MAX_COLUMNS:
        raise SequenceError(f"{what} has {C} columns; it must have 1 to {MAX_COLUMNS}")
    bad = np.argwhere(~np.isfinite(a))
    if len(bad):
        t, c = bad[0]
        raise SequenceError(
            f"{what} has a non-finite value ({a[t, c]}) at step {t + 1}, column {c + 1}; every number must be finite"
        )
    return a
