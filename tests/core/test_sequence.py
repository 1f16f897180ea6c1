"""app/core/sequence.py: one reader of your own T × C sequence, CSV or .npy, with a message that says where."""

import io

import numpy as np
import pytest

from app.core.sequence import MAX_STEPS, SequenceError, read_sequence


def npy(a) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, a)
    return buffer.getvalue()


def test_csv_and_npy_give_the_same_table():
    a = np.random.default_rng(0).standard_normal((7, 3))
    buffer = io.StringIO()
    np.savetxt(buffer, a, delimiter=",", fmt="%.17g")
    from_csv = read_sequence(buffer.getvalue().encode(), "x.csv")
    np.testing.assert_array_equal(from_csv, a)
    np.testing.assert_array_equal(read_sequence(npy(a), "x.npy"), a)
    np.testing.assert_array_equal(read_sequence(npy(a), "pasted"), a)  # known by its first bytes too


def test_one_column_blank_lines_and_a_byte_order_mark():
    got = read_sequence("\ufeff1\n\n2.5\n-3e-1\n".encode(), "x.csv")
    np.testing.assert_array_equal(got, [[1.0], [2.5], [-0.3]])
    np.testing.assert_array_equal(read_sequence(npy(np.arange(4)), "x.npy"), np.arange(4.0)[:, None])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"1,2\n3,abc\n", "input line 2, column 2: 'abc' is not a number"),
        (b"1,2\n3,4,5\n", "input line 2 has 3 columns; the first row has 2"),
        (
            b"1,2\nnan,4\n",
            "input has a non-finite value (nan) at step 2, column 1; every number must be finite",
        ),
        (b"1,inf\n", "input has a non-finite value (inf) at step 1, column 2"),
        (b"\n\n", "input holds no numbers"),
        (b"\xff\xfe1,2", "input: not a CSV text file (byte 0 is not UTF-8)"),
        (
            b"1\n" * (MAX_STEPS + 1),
            f"input has more than {MAX_STEPS} rows (time steps); T ≤ {MAX_STEPS}",
        ),
    ],
)
def test_bad_csv_says_where(data, message):
    with pytest.raises(SequenceError) as err:
        read_sequence(data, "x.csv")
    assert str(err.value).startswith(message)


def test_bad_npy_is_refused_without_unpickling():
    with pytest.raises(SequenceError, match=r"not a readable \.npy"):
        read_sequence(npy(np.array([{"a": 1}], dtype=object)), "x.npy")
    with pytest.raises(SequenceError, match=r"T × columns table, not an array of shape \(2, 2, 2\)"):
        read_sequence(npy(np.zeros((2, 2, 2))), "x.npy")
    with pytest.raises(SequenceError, match="must hold real numbers"):
        read_sequence(npy(np.array(["a", "b"])), "x.npy")
    with pytest.raises(SequenceError, match="targets has T = 501 rows"):
        read_sequence(npy(np.zeros(501)), "y.npy", "targets")
