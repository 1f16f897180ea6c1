"""GET /api/meta and the preset endpoints: what the page builds its controls from."""

from app.core.tasks import TASKS
from app.web.payloads.presets import PRESETS
from app.web.schemas import TraceConfig, parameters


def test_meta_lists_kinds_tasks_presets_parameters_and_limits(client):
    meta = client.get("/api/meta").json()
    assert meta["kinds"] == ["rnn", "lstm", "gru"]
    assert set(meta["tasks"]) == set(TASKS)
    adding = meta["tasks"]["adding"]
    assert adding["baseline"] == 1 / 6 and adding["threshold"] == 0.01 and adding["loss"] == "mse"
    assert "T" in adding["params"]
    assert [p["name"] for p in meta["presets"]] == list(PRESETS)
    assert set(meta["parameters"]) == {"trace", "train", "gradcheck"}
    trace = meta["parameters"]["trace"]
    assert {
        name: {k: v for k, v in spec.items() if k != "key"} for name, spec in trace.items()
    } == parameters(TraceConfig)
    assert meta["parameters"]["trace"]["T"]["maximum"] == 500
    assert meta["limits"]["work_budget"] > 0 and meta["limits"]["max_concurrent"] >= 1


def test_each_parameter_has_its_link_key(client):
    """A field several requests share with one spec is one key; the training batch differs, so it has its own."""
    params = client.get("/api/meta").json()["parameters"]
    keys = {
        endpoint: {name: spec["key"] for name, spec in fields.items()} for endpoint, fields in params.items()
    }
    assert (
        keys["train"]["batch"] == "train_batch"
        and keys["trace"]["batch"] == keys["gradcheck"]["batch"] == "batch"
    )
    renamed = {(e, n): k for e, fields in keys.items() for n, k in fields.items() if k != n}
    assert renamed == {("train", "batch"): "train_batch"}


def test_presets_endpoints(client):
    listed = client.get("/api/presets").json()["presets"]
    assert [p["name"] for p in listed] == list(PRESETS)
    one = client.get("/api/presets/vanishing")
    assert one.status_code == 200 and one.json() == PRESETS["vanishing"]
    assert client.get("/api/presets/unknown").status_code == 404


def test_openapi_documents_every_endpoint_with_examples(client):
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/meta",
        "/api/trace",
        "/api/train",
        "/api/train/stream",
        "/api/gradcheck",
        "/api/export/trace.csv",
        "/api/export/train.json",
        "/api/presets/{name}",
    ):
        assert path in schema["paths"], path
    trace = schema["components"]["schemas"]["TraceBody"]["properties"]
    assert trace["T"]["examples"] == [50]
