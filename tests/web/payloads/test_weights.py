"""POST /api/weights and the `weights` field of a trace: an uploaded network is traced, checked and exported
with the numbers the core computes for it; bad uploads, unknown and dropped hashes get clear answers."""

import hashlib
import io

import numpy as np
import pytest

from app.core.tasks import TASKS
from app.core.torch_import import build_model, load_weights
from app.web.payloads import weights

H, D, K = 6, 2, 1  # the adding task gives D = 2 inputs and K = 1 output


def state_dict(kind="lstm", readout=True, seed=0) -> dict:
    """A PyTorch-layout state dict made with NumPy: nn.LSTM (4H rows) or nn.GRU (3H), an nn.Linear."""
    rng = np.random.default_rng(seed)
    n = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    arrays = {
        "rnn.weight_ih_l0": 0.5 * rng.standard_normal((n * H, D)),
        "rnn.weight_hh_l0": 0.5 * rng.standard_normal((n * H, H)),
        "rnn.bias_ih_l0": 0.3 * rng.standard_normal(n * H),
        "rnn.bias_hh_l0": 0.3 * rng.standard_normal(n * H),
    }
    if readout:
        arrays |= {"fc.weight": rng.standard_normal((K, H)), "fc.bias": rng.standard_normal(K)}
    return arrays


def npz(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def upload(client, data: bytes, name="model.npz", **form):
    return client.post("/api/weights", files={"file": (name, data)}, data=form)


def expected_loss(data: bytes, config: dict) -> float:
    """The core's loss for the same upload and the batch a trace draws (trace_payload.prepare's recipe)."""
    task = TASKS["adding"]
    params = task.resolve(T=config["T"])
    rng = np.random.default_rng(np.random.SeedSequence(config["seed"]).spawn(2)[0])
    x, y = task.sample(rng, config["batch"], **params)
    model = build_model(load_weights(data, "model.npz"), K, output=task.output, seed=config["seed"])
    return model.run(x, y, loss=task.loss, loss_on=task.loss_on).loss


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_upload_then_trace_gradcheck_and_export(client, kind):
    data = npz(state_dict(kind))
    r = upload(client, data)
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["weights"] == hashlib.sha256(data).hexdigest()
    assert (info["kind"], info["input_size"], info["hidden_size"], info["output_size"]) == (kind, D, H, K)
    assert info["gru_form"] == ("torch" if kind == "gru" else None)
    assert client.get(f"/api/weights/{info['weights']}").json()["kind"] == kind

    config = {"task": "adding", "T": 12, "batch": 3, "seed": 4, "weights": info["weights"]}
    r = client.post("/api/trace", json=config)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body["cells"]) == [kind]
    assert body["sizes"]["H"] == H and body["config"]["weights"] == info["weights"]
    assert body["cells"][kind]["loss"] == pytest.approx(expected_loss(data, config), rel=1e-3)
    assert body["cells"][kind]["hidden"]["shape"] == [12, H]

    check = client.post("/api/gradcheck", json=config | {"samples": 8})
    assert check.status_code == 200 and check.json()["status"] == "passed", check.text
    assert list(check.json()["cells"]) == [kind]
    export = client.get("/api/export/trace.json", params=config)
    assert export.status_code == 200 and list(export.json()["cells"]) == [kind]


def test_the_rnn_takes_the_traces_activation(client):
    data = npz(state_dict("rnn"))
    digest = upload(client, data).json()["weights"]
    base = {"task": "adding", "T": 10, "batch": 2, "weights": digest}
    tanh = client.post("/api/trace", json=base).json()["cells"]["rnn"]["loss"]
    relu = client.post("/api/trace", json=base | {"activation": "relu"}).json()["cells"]["rnn"]["loss"]
    assert tanh != relu


def test_without_a_readout_one_is_drawn_from_the_seed(client):
    data = npz(state_dict(readout=False))
    assert upload(client, data).json()["output_size"] is None
    config = {"task": "adding", "T": 10, "batch": 2, "seed": 1, "weights": hashlib.sha256(data).hexdigest()}
    body = client.post("/api/trace", json=config).json()
    assert body["cells"]["lstm"]["loss"] == pytest.approx(expected_loss(data, config), rel=1e-3)


def test_a_named_readout_prefix_is_part_of_the_hash(client):
    data = npz(state_dict())
    named = upload(client, data, readout="fc").json()
    assert named["readout_prefix"] == "fc." and named["weights"] != hashlib.sha256(data).hexdigest()
    r = upload(client, data, readout="head")
    assert r.status_code == 422 and "missing key: head.weight" in r.json()["message"]


def test_bad_uploads_get_their_message(client):
    cases = [
        (b"\x80\x04\x95 a pickle", "model.pt", "weights_pickle", "never loaded"),
        (b"plain text", "model.npz", "weights_format", "neither a safetensors file nor"),
        (
            npz(state_dict() | {"rnn.weight_ih_l1": np.zeros((4 * H, H))}),
            "m.npz",
            "weights_layers",
            "weight_ih_l1",
        ),
        (npz(state_dict() | {"optimizer_step": np.zeros(1)}), "m.npz", "weights_keys", "optimizer_step"),
    ]
    for data, name, kind, phrase in cases:
        r = upload(client, data, name)
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["type"] == kind and phrase in r.json()["message"]
    r = client.post("/api/weights", files={"other": ("m.npz", npz(state_dict()))})
    assert r.status_code == 422 and "field named `file`" in r.json()["message"]
    r = client.post("/api/weights", content=b"{}", headers={"content-type": "application/json"})
    assert r.status_code == 415
    big = b"x" * (weights.MAX_BODY + 1)
    r = client.post("/api/weights", files={"file": ("big.npz", big)})
    assert r.status_code == 413 and str(weights.MAX_BODY) in r.json()["message"]


def test_sizes_that_do_not_fit_the_task_are_a_422_naming_weights(client):
    digest = upload(client, npz(state_dict())).json()["weights"]
    r = client.post("/api/trace", json={"task": "sine", "weights": digest})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "weights"
    assert "D = 2" in r.json()["message"]
    r = client.post("/api/trace", json={"task": "adding", "weights": digest, "trained_steps": 5})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "trained_steps"
    r = client.post("/api/trace", json={"task": "adding", "weights": "not-a-hash"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "weights"


def test_unknown_and_dropped_hashes_are_404_and_410_naming_the_hash(client, monkeypatch):
    unknown = "0" * 64
    r = client.get("/api/trace", params={"task": "adding", "T": 10, "weights": unknown})
    assert (
        r.status_code == 404
        and unknown in r.json()["message"]
        and "upload the file again" in r.json()["message"]
    )
    monkeypatch.setattr(weights.STORE, "max_entries", 1)
    first = upload(client, npz(state_dict(seed=1))).json()["weights"]
    upload(client, npz(state_dict(seed=2)))
    r = client.post("/api/trace", json={"task": "adding", "T": 10, "weights": first})
    assert r.status_code == 410 and first in r.json()["message"]
    assert client.get(f"/api/weights/{first}").status_code == 410


def test_store_lifetime_is_renewed_by_use_and_ends():
    now = [0.0]
    store = weights.WeightsStore(max_entries=4, lifetime=10.0, clock=lambda: now[0])
    imported = load_weights(npz(state_dict()), "m.npz")
    store.put("a" * 64, imported)
    now[0] = 8.0
    assert store.get("a" * 64) is imported  # renewed until 18
    now[0] = 17.0
    assert store.get("a" * 64) is imported
    now[0] = 27.5
    with pytest.raises(weights.WeightsGone) as info:
        store.get("a" * 64)
    assert info.value.status_code == 410 and len(store) == 0


def test_training_fine_tunes_the_upload_and_leaves_it_as_uploaded(client):
    data = npz(state_dict("gru", seed=5))
    digest = upload(client, data).json()["weights"]
    trace = {"task": "adding", "T": 10, "batch": 32, "seed": 1, "weights": digest}
    before = client.post("/api/trace", json=trace).json()["cells"]["gru"]["loss"]
    r = client.post(
        "/api/train",
        json={"task": "adding", "T": 10, "seed": 1, "steps": 30, "snapshot_every": 10, "weights": digest},
    )
    assert r.status_code == 200, r.text
    run = r.json()
    assert run["config"]["cells"] == ["gru"] and run["sizes"]["H"] == H
    losses = [s["cells"]["gru"]["train_loss"] for s in run["snapshots"]]
    assert losses[0] == before  # step 0 is the upload itself, on the batch the trace draws
    assert losses[-1] < 0.5 * losses[0]
    after = trace | {"seed": 7}  # a configuration not yet cached: computed from the upload as it is now
    loss = client.post("/api/trace", json=after).json()["cells"]["gru"]["loss"]
    assert loss == pytest.approx(expected_loss(data, after), rel=1e-3)
    r = client.post("/api/train", json={"task": "sine", "steps": 5, "weights": digest})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "weights"


def test_an_upload_may_be_larger_than_a_configuration_body(client):
    """Every other body is a configuration under the server's body limit (1 MB); the upload route has its own,
    the file limit: a 2 MB state dict (an LSTM with 200 units) is taken, not refused as too large."""
    rng = np.random.default_rng(0)
    big = {
        "rnn.weight_ih_l0": rng.standard_normal((800, D)),
        "rnn.weight_hh_l0": rng.standard_normal((800, 200)),
        "rnn.bias_ih_l0": rng.standard_normal(800),
        "rnn.bias_hh_l0": rng.standard_normal(800),
    }
    data = npz(big)
    assert 1_000_000 < len(data) < weights.MAX_BODY
    r = upload(client, data)
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "lstm"
