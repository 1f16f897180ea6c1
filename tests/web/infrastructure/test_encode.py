"""JSON encoding: rounding to significant digits, non-finite numbers as null, NumPy arrays natively."""

import gzip
import json

import numpy as np
import pytest

from app.web.infrastructure.encode import (
    EncodedJSON,
    array,
    dumps,
    first_nonfinite_step,
    int_array,
    number,
    number_text,
    round_significant,
)


def strict_loads(body: bytes):
    """json.loads that refuses NaN/Infinity tokens: what a browser's JSON.parse accepts."""

    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(body, parse_constant=refuse)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.123456, 0.1235),
        (-98765.4321, -98770.0),
        (1.23456789e-30, 1.235e-30),
        (6.02214076e23, 6.022e23),
        (0.0, 0.0),
        (1.0, 1.0),
    ],
)
def test_round_significant_keeps_four_digits(value, expected):
    assert float(round_significant(value)) == pytest.approx(expected, rel=1e-12)


def test_round_significant_prints_short_decimals():
    body = dumps(round_significant(np.array([0.123456, 2.0 / 3.0, 1e-5 / 3])))
    assert body == b"[0.1235,0.6667,3.333e-6]"


@pytest.mark.parametrize("value", [6.7271234e30, -4.4449e25, 1.23456e-30, 9.99951e200, 3.14159e-250])
def test_round_significant_is_short_beyond_the_exact_powers_of_ten(value):
    rounded = float(round_significant(value))
    assert rounded == float(f"{value:.3e}")  # the double nearest to the four-digit decimal
    written = dumps(rounded).decode()
    assert (
        float(written) == rounded and len(written.lstrip("-")) <= 10
    )  # 6.727e+30, not 6.727000000000001e+30
    assert number_text(value) == written


def test_round_significant_passes_non_finite_and_does_not_touch_input():
    a = np.array([np.nan, np.inf, -np.inf, 1.23456])
    out = round_significant(a)
    assert np.isnan(out[0]) and out[1] == np.inf and out[2] == -np.inf and out[3] == 1.235
    assert a[3] == 1.23456


def test_dumps_writes_non_finite_as_null():
    body = dumps({"a": np.array([1.0, np.nan, np.inf]), "b": float("-inf"), "c": np.float64(2.5)})
    assert strict_loads(body) == {"a": [1.0, None, None], "b": None, "c": 2.5}


def test_dumps_handles_non_contiguous_arrays_and_numpy_scalars():
    a = np.arange(6.0).reshape(2, 3)[:, ::2]
    assert strict_loads(dumps({"a": a, "i": np.int64(3), "t": (1, 2)})) == {
        "a": [[0.0, 2.0], [3.0, 5.0]],
        "i": 3,
        "t": [1, 2],
    }


def test_number_rounds_and_maps_non_finite_to_none():
    assert number(1 / 3) == 0.3333
    assert number(float("nan")) is None
    assert number(np.inf) is None
    assert number(None) is None


def test_first_nonfinite_step_finds_the_earliest_bad_row():
    a = np.ones((5, 3))
    assert first_nonfinite_step(a) is None
    a[3, 1] = np.nan
    a[4, 0] = np.inf
    assert first_nonfinite_step(a) == 3


def test_array_object_carries_shape_axes_meaning():
    obj = array(np.full((2, 3), 1 / 3), "a third", ("t", "unit"))
    assert obj["shape"] == [2, 3] and obj["axes"] == ["t", "unit"] and obj["meaning"] == "a third"
    assert strict_loads(dumps(obj))["data"] == [[0.3333] * 3] * 2
    with pytest.raises(ValueError, match="axis names"):
        array(np.zeros(3), "x", ("t", "unit"))
    assert int_array(np.array([1.0, 0.0]), "mask", ("t",))["data"].dtype == np.int64


def test_encoded_json_serves_gzip_only_when_accepted():
    encoded = EncodedJSON({"x": np.arange(100.0)})
    assert encoded.payload == {"x": list(range(100))} and encoded.nbytes == len(encoded.body)
    zipped = encoded.response("gzip, deflate")
    plain = encoded.response("")
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain.body == encoded.body
    assert "content-encoding" not in plain.headers
