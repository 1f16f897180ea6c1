"""POST /api/input and a trace's `input`: your own numbers through an uploaded network, read by the same reader
as `gradflow trace --input`, with one 422 naming the field and where for each bad sequence."""

import io

import numpy as np
import pytest

from app.core.torch_import import build_model, load_weights
from tests.web.payloads.test_weights import D, H, K, npz, state_dict, upload


def csv(a: np.ndarray) -> bytes:
    buffer = io.StringIO()
    np.savetxt(buffer, a, delimiter=",", fmt="%.17g")
    return buffer.getvalue().encode()


def npy(a: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, a)
    return buffer.getvalue()


def send(client, x: bytes, name="x.csv", y: bytes | None = None, y_name="y.csv"):
    files = {"file": (name, x)} | ({} if y is None else {"targets": (y_name, y)})
    return client.post("/api/input", files=files)


@pytest.fixture(scope="module")
def weights(client):
    data = npz(state_dict("lstm"))
    return data, upload(client, data).json()["weights"]


@pytest.mark.parametrize("form", ["csv", "npy"])
def test_your_numbers_are_traced_by_the_upload(client, weights, form):
    data, digest = weights
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((11, D)), rng.standard_normal((11, K))
    write = csv if form == "csv" else npy
    answer = send(client, write(x), f"x.{form}", write(y), f"y.{form}")
    assert answer.status_code == 200
    info = answer.json()
    assert (info["T"], info["D"], info["K"]) == (11, D, K)
    body = client.post("/api/trace", json={"weights": digest, "input": info["input"]}).json()
    assert body["sizes"] == {"T": 11, "B": 1, "D": D, "H": H, "K": K}
    assert body["task"]["name"] == "input" and body["task"]["targets"] == "given"
    assert body["config"]["loss"] == "mse" and body["config"]["output"] == "linear"
    trace = build_model(load_weights(data, "model.npz"), K).run(x[:, None], y[:, None])
    assert body["cells"]["lstm"]["loss"] == pytest.approx(trace.loss, rel=6e-4)
    np.testing.assert_allclose(body["example"]["inputs"]["data"], x, rtol=6e-4)
    np.testing.assert_allclose(
        body["cells"]["lstm"]["hidden"]["data"], trace.hidden[:, 0], rtol=1e-3, atol=1e-4
    )
    # the same numbers pasted as text and uploaded as a file are the same trace
    query = client.get("/api/trace", params={"weights": digest, "input": info["input"]}).json()
    assert query["cells"]["lstm"]["loss"] == body["cells"]["lstm"]["loss"]


def test_without_targets_the_outputs_are_scored_against_zeros(client, weights):
    data, digest = weights
    x = np.linspace(-1, 1, 2 * 6).reshape(6, 2)
    info = send(client, csv(x)).json()
    assert info["K"] is None
    body = client.post("/api/trace", json={"weights": digest, "input": info["input"]}).json()
    trace = build_model(load_weights(data, "model.npz"), K).run(x[:, None], np.zeros((6, 1, K)))
    assert body["task"]["targets"] == "zeros"
    assert body["cells"]["lstm"]["loss"] == pytest.approx(trace.loss, rel=6e-4)


@pytest.mark.parametrize(
    ("x", "y", "field", "message"),
    [
        (b"0.5,1\n2,x y\n", None, "file", "input line 2, column 2: 'x y' is not a number"),
        (b"0.5,1\n2\n", None, "file", "input line 2 has 1 columns; the first row has 2"),
        (b"1,2\n3,nan\n", None, "file", "input has a non-finite value (nan) at step 2, column 2"),
        (b"1,2\n" * 501, None, "file", "input has more than 500 rows (time steps); T ≤ 500"),
        (b"1,2\n3,4\n", b"1\n2\n3\n", "targets", "targets has T = 3 rows; the input has T = 2"),
        (b"1,2\n3,4\n", b"1\ninf\n", "targets", "targets has a non-finite value (inf) at step 2, column 1"),
    ],
)
def test_a_bad_sequence_is_one_422_saying_where(client, x, y, field, message):
    answer = send(client, x, y=y)
    assert answer.status_code == 422
    body = answer.json()
    assert body["message"].startswith(message)
    assert [d["field"] for d in body["detail"]] == [field]


def test_sizes_that_do_not_fit_the_network_name_both_numbers(client, weights):
    _, digest = weights
    wide = send(client, csv(np.zeros((4, D + 1)))).json()["input"]
    r = client.post("/api/trace", json={"weights": digest, "input": wide})
    assert r.status_code == 422
    assert r.json()["message"] == f"input has D = {D + 1} columns; the uploaded lstm takes D = {D}"
    assert r.json()["detail"][0]["field"] == "input"
    many = send(client, csv(np.zeros((4, D))), y=csv(np.zeros((4, K + 2)))).json()["input"]
    r = client.post("/api/trace", json={"weights": digest, "input": many})
    assert (
        r.json()["message"]
        == f"targets has K = {K + 2} columns; the uploaded network's readout gives K = {K}"
    )


def test_input_needs_an_upload_and_an_unknown_hash_is_404_naming_it(client, weights):
    info = send(client, csv(np.zeros((4, D)))).json()
    r = client.post("/api/trace", json={"input": info["input"]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "input"
    assert r.json()["message"].startswith("input is traced by an uploaded network")
    r = client.post("/api/trace", json={"weights": weights[1], "input": "0" * 64})
    assert r.status_code == 404
    assert r.json()["message"].startswith(f"input {'0' * 64} is not held by this server")
    r = client.post("/api/trace", json={"weights": weights[1], "input": "not a hash"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "input"
