"""`gradflow trace --weights FILE`: the same JSON the API's trace returns for the same upload, your own
sequence from CSV or .npy, and one clear message (exit 2) for a bad file or input."""

import json

import numpy as np
import pytest

from app.cli import main
from app.core.torch_import import build_model, load_weights
from tests.web.payloads.test_weights import D, H, K, npz, state_dict


@pytest.fixture
def weights_file(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(npz(state_dict("gru")))
    return path


def test_the_json_is_the_apis(client, weights_file, tmp_path):
    out = tmp_path / "trace.json"
    args = ["trace", "--weights", str(weights_file), "--param", "T=15", "--batch", "3", "--seed", "2"]
    assert main([*args, "--out", str(out)]) == 0
    digest = client.post("/api/weights", files={"file": ("model.npz", weights_file.read_bytes())}).json()
    api = client.post(
        "/api/trace", json={"task": "adding", "T": 15, "batch": 3, "seed": 2, "weights": digest["weights"]}
    )
    assert api.status_code == 200
    assert json.loads(out.read_bytes()) == api.json()


@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_your_own_sequence_and_targets(weights_file, tmp_path, suffix, capsys):
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((9, D)), rng.standard_normal((9, K))
    paths = []
    for name, a in (("x", x), ("y", y)):
        path = tmp_path / f"{name}{suffix}"
        np.save(path, a) if suffix == ".npy" else np.savetxt(path, a, delimiter=",")
        paths.append(path)
    out = tmp_path / "trace.json"
    argv = ["trace", "--weights", str(weights_file), "--input", str(paths[0]), "--targets", str(paths[1])]
    assert main([*argv, "--out", str(out)]) == 0
    body = json.loads(out.read_bytes())
    assert body["task"]["name"] == "input" and body["sizes"] == {"T": 9, "B": 1, "D": D, "H": H, "K": K}
    model = build_model(load_weights(weights_file.read_bytes(), "model.npz"), K)
    trace = model.run(x[:, None], y[:, None])
    assert body["cells"]["gru"]["loss"] == pytest.approx(trace.loss, rel=1e-3)
    np.testing.assert_allclose(body["example"]["inputs"]["data"], x, rtol=1e-3)
    np.testing.assert_allclose(
        body["cells"]["gru"]["hidden"]["data"], trace.hidden[:, 0], rtol=1e-3, atol=1e-4
    )
    assert "wrote" in capsys.readouterr().out


def test_bad_files_and_inputs_exit_2_with_one_message(weights_file, tmp_path, capsys):
    pickle_file = tmp_path / "model.pt"
    pickle_file.write_bytes(b"\x80\x04 a pickle")
    assert main(["trace", "--weights", str(pickle_file)]) == 2
    assert "never loaded" in capsys.readouterr().err
    wide = tmp_path / "wide.csv"
    np.savetxt(wide, np.zeros((5, D + 1)), delimiter=",")
    assert main(["trace", "--weights", str(weights_file), "--input", str(wide)]) == 2
    assert f"--input has {D + 1} columns; the network takes D = {D}" in capsys.readouterr().err
    assert main(["trace", "--weights", str(weights_file), "--task", "sine"]) == 2
    assert "weights: the uploaded gru takes D = 2" in capsys.readouterr().err
    assert main(["trace", "--weights", str(weights_file), "--batch", "0"]) == 2
    assert "batch" in capsys.readouterr().err


def test_help_says_how_to_save_a_model(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["trace", "--help"])
    assert exc.value.code == 0
    assert "safetensors.torch.save_file(model.state_dict(), path)" in capsys.readouterr().out


def test_your_own_sentence_for_the_text_task(tmp_path, capsys):
    from app.core.tasks.text import corpus

    vocab = corpus()[1]
    V, hidden = len(vocab), 5
    rng = np.random.default_rng(1)
    path = tmp_path / "text_lstm.npz"
    np.savez(
        path,
        weight_ih_l0=0.3 * rng.standard_normal((4 * hidden, V)),
        weight_hh_l0=0.3 * rng.standard_normal((4 * hidden, hidden)),
        bias_ih_l0=np.zeros(4 * hidden),
        bias_hh_l0=np.zeros(4 * hidden),
    )
    out = tmp_path / "trace.json"
    sentence = "LSTM은 기억한다"
    argv = ["trace", "--weights", str(path), "--task", "text", "--sentence", sentence, "--batch", "1"]
    assert main([*argv, "--out", str(out)]) == 0
    body = json.loads(out.read_bytes())
    assert body["config"]["sentence"] == sentence and body["sizes"]["T"] == len(sentence) - 1
    inputs = np.argmax(body["example"]["inputs"]["data"], axis=-1)
    assert "".join(vocab[i] for i in inputs) == sentence[:-1]
    capsys.readouterr()
    assert main([*argv[:-2], "--sentence", "jam!"]) == 2
    err = capsys.readouterr().err
    assert "sentence: sentence has 2 characters outside the model's vocabulary" in err and "'j' '!'" in err
