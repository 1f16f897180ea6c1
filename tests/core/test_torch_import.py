"""app/core/torch_import.py: a trained nn.RNN (tanh, relu), nn.LSTM or nn.GRU, saved as safetensors or .npz
with or without an nn.Linear readout, runs in the core exactly as in PyTorch (hidden states, outputs, loss,
every gradient and dL/dh_t to 1e-10, float64); every bad file gets its own message, and a pickle is refused
without being loaded."""

import io
import pickle

import numpy as np
import pytest

from app.core import torch_import
from app.core.torch_import import WeightsError, build_model, load_weights

T, B, D, H, K = 7, 3, 4, 5, 2
CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
HEADS = [("linear", "mse"), ("softmax", "ce")]
TORCH_GATES = {"rnn": ("h",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


def make_module(torch, kind, nonlinearity, readout, seed=0, **kw):
    """A float64 PyTorch recurrent layer with random weights (and biases), with an nn.Linear readout when
    asked; the state dict's keys are "rnn.…" and "fc.…" then, the layer's own ones without."""
    torch.manual_seed(seed)
    nn = torch.nn
    if kind == "rnn":
        cell = nn.RNN(D, H, nonlinearity=nonlinearity, **kw)
    else:
        cell = (nn.LSTM if kind == "lstm" else nn.GRU)(D, H, **kw)
    cell = cell.double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(0.6 * torch.randn_like(p))  # larger than the default init, so that every term counts
    if not readout:
        return cell, cell
    holder = nn.Module()
    holder.rnn = cell
    holder.fc = nn.Linear(H, K).double()
    return holder, cell


def save(torch, module, how, tmp_path) -> tuple[bytes, str]:
    state = {k: v.detach().contiguous() for k, v in module.state_dict().items()}
    if how == "safetensors":
        from safetensors.torch import save_file

        path = tmp_path / "model.safetensors"
        save_file(state, str(path))
    else:
        path = tmp_path / "model.npz"
        np.savez(path, **{k: v.numpy() for k, v in state.items()})
    return path.read_bytes(), path.name


def torch_run(torch, cell, W_hy, b_y, x, y, output, loss):
    """PyTorch's own module, one step per call so that every h_t is a leaf of the graph whose .grad is the
    total dL/dh_t; and the whole sequence in one call, whose outputs must be the same states."""
    xs = torch.tensor(x)
    W_hy = W_hy if isinstance(W_hy, torch.Tensor) else torch.tensor(W_hy, requires_grad=True)
    b_y = b_y if isinstance(b_y, torch.Tensor) else torch.tensor(b_y, requires_grad=True)
    state, hs = None, []
    for t in range(T):
        _, state = cell(xs[t : t + 1], state)
        h = state[0] if isinstance(state, tuple) else state  # (1, B, H)
        h.retain_grad()
        hs.append(h)
    whole, _ = cell(xs)
    L = torch.zeros((), dtype=torch.float64)
    outputs = []
    for t in range(T):
        logits = hs[t][0] @ W_hy.T + b_y
        if loss == "ce":
            L = L - torch.log_softmax(logits, dim=1).gather(1, torch.tensor(y[t])[:, None]).sum() / B
            outputs.append(torch.softmax(logits, dim=1))
        else:
            L = L + ((logits - torch.tensor(y[t])) ** 2).mean(dim=1).sum() / B
            outputs.append(logits)
    L.backward()
    return {
        "loss": L.item(),
        "hidden": np.stack([h[0].detach().numpy() for h in hs]),
        "whole": whole.detach().numpy(),
        "outputs": np.stack([o.detach().numpy() for o in outputs]),
        "grad_hidden": np.stack([h.grad[0].numpy() for h in hs]),
        "grads": {name: p.grad.numpy() for name, p in cell.named_parameters()},
        "W_hy": W_hy.grad.numpy(),
        "b_y": b_y.grad.numpy(),
    }


def torch_layout(kind, grads):
    """The core's gradients in PyTorch's keys, written out here independently of the importer: a bias that
    the core sums (b = bias_ih + bias_hh) has the same gradient in both of PyTorch's."""
    gates = TORCH_GATES[kind]
    if kind == "rnn":
        return {
            "weight_ih_l0": grads["W_xh"],
            "weight_hh_l0": grads["W_hh"],
            "bias_ih_l0": grads["b_h"],
            "bias_hh_l0": grads["b_h"],
        }
    return {
        "weight_ih_l0": np.concatenate([grads[f"W_{g}"][:, H:] for g in gates]),
        "weight_hh_l0": np.concatenate([grads[f"W_{g}"][:, :H] for g in gates]),
        "bias_ih_l0": np.concatenate([grads[f"b_{g}"] for g in gates]),
        "bias_hh_l0": np.concatenate([grads["b_hn" if g == "n" else f"b_{g}"] for g in gates]),
    }


def close(actual, expected, what):
    scale = float(np.abs(expected).max())
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-10 * scale, err_msg=what)


@pytest.mark.parametrize(("output", "loss"), HEADS)
@pytest.mark.parametrize("how", ["safetensors", "npz"])
@pytest.mark.parametrize("readout", [True, False], ids=["readout", "no-readout"])
@pytest.mark.parametrize(("kind", "nonlinearity"), CELLS)
def test_imported_model_matches_pytorch(torch, tmp_path, kind, nonlinearity, readout, how, output, loss):
    module, cell = make_module(torch, kind, nonlinearity, readout)
    data, name = save(torch, module, how, tmp_path)
    imported = load_weights(data, name, nonlinearity=nonlinearity)
    assert (imported.kind, imported.input_size, imported.hidden_size) == (kind, D, H)
    assert imported.output_size == (K if readout else None)
    assert imported.prefix == ("rnn." if readout else "")
    model = build_model(imported, K, output=output, seed=3)
    assert model.gru_form == ("torch" if kind == "gru" else None)

    rng = np.random.default_rng(1)
    x = rng.standard_normal((T, B, D))
    y = rng.integers(0, K, size=(T, B)) if loss == "ce" else rng.standard_normal((T, B, K))
    trace = model.run(x, y, loss=loss)
    if readout:
        W_hy, b_y = module.fc.weight, module.fc.bias
        np.testing.assert_array_equal(model.params["W_hy"], W_hy.detach().numpy())
    else:  # the readout the app initialises, given to PyTorch as it is
        W_hy, b_y = model.params["W_hy"], model.params["b_y"]
    want = torch_run(torch, cell, W_hy, b_y, x, y, output, loss)

    close(want["whole"], want["hidden"], "PyTorch's one call and its steps")
    close(trace.hidden, want["hidden"], "h_t")
    close(trace.outputs, want["outputs"], "ŷ_t")
    assert trace.loss == pytest.approx(want["loss"], rel=1e-10)
    close(trace.grad_hidden, want["grad_hidden"], "dL/dh_t")
    ours = torch_layout(kind, trace.grads)
    assert set(ours) == set(want["grads"])
    for key, g in want["grads"].items():
        close(ours[key], g, key)
    fc_W = module.fc.weight.grad.numpy() if readout else want["W_hy"]
    fc_b = module.fc.bias.grad.numpy() if readout else want["b_y"]
    close(trace.grads["W_hy"], fc_W, "W_hy")
    close(trace.grads["b_y"], fc_b, "b_y")


def test_no_bias_and_a_named_readout_prefix(torch, tmp_path):
    module, cell = make_module(torch, "gru", "tanh", readout=True, bias=False)
    data, name = save(torch, module, "safetensors", tmp_path)
    imported = load_weights(data, name, readout="fc")
    assert imported.readout_prefix == "fc."
    for b in ("b_z", "b_r", "b_n", "b_hn"):
        np.testing.assert_array_equal(imported.params[b], 0.0)
    model = build_model(imported, K)
    x = np.random.default_rng(2).standard_normal((T, B, D))
    y = np.zeros((T, B, K))
    want = torch_run(torch, cell, module.fc.weight, module.fc.bias, x, y, "linear", "mse")
    close(model.run(x, y).hidden, want["hidden"], "h_t")
    with pytest.raises(WeightsError, match=r"missing key: head\.weight"):
        load_weights(data, name, readout="head")
    refused(data, name, "keys", "unexpected keys: fc.bias, fc.weight", readout="")  # "" says: no readout


def test_a_model_owns_its_parameters(torch, tmp_path):
    module, _ = make_module(torch, "gru", "tanh", readout=True)
    imported = load_weights(*save(torch, module, "npz", tmp_path))
    kept = {k: v.copy() for k, v in imported.params.items()}
    for p in build_model(imported, K).params.values():
        p += 1.0  # as an optimiser updates in place
    for name, value in kept.items():
        np.testing.assert_array_equal(imported.params[name], value)


def test_a_readout_of_another_size_than_the_task_is_refused(torch, tmp_path):
    module, _ = make_module(torch, "lstm", "tanh", readout=True)
    imported = load_weights(*save(torch, module, "npz", tmp_path))
    with pytest.raises(ValueError, match="K = 2 outputs; the task needs 3"):
        build_model(imported, 3)


# ---- bad files, one message each ----


def npz_bytes(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def lstm_arrays(torch, **kw) -> dict:
    module, _ = make_module(torch, "lstm", "tanh", readout=True, **kw)
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def refused(data, name, reason, *phrases, **kw):
    with pytest.raises(WeightsError) as info:
        load_weights(data, name, **kw)
    assert info.value.reason == reason, str(info.value)
    for phrase in phrases:
        assert phrase in str(info.value), str(info.value)
    return str(info.value)


def test_not_safetensors_nor_npz():
    refused(b"time,value\n0,1\n", "weights.csv", "format", "neither a safetensors file nor a NumPy .npz")
    refused(b"\x00" * 64, "weights.safetensors", "format", "neither")
    refused(b"PK\x03\x04 not really a zip", "weights.npz", "format", "damaged zip")
    header = b'{"w": {"dtype": "F64", "shape": [2], "data_offsets": [0, 99]}}'
    refused(len(header).to_bytes(8, "little") + header, "w.safetensors", "format", "not a valid safetensors")


class Marker:
    """A pickle that, if it were ever loaded, would create the marker file."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def test_a_pickle_is_refused_without_being_loaded(torch, tmp_path):
    marker = tmp_path / "marker"
    payload = pickle.dumps({"weight_ih_l0": Marker(marker)})
    for name in ("model.pt", "model.pth", "model.safetensors", "model.npz", ""):
        message = refused(payload, name, "pickle", "never loaded", "save_file(model.state_dict()")
        assert "safetensors" in message
    assert not marker.exists()
    module, _ = make_module(torch, "gru", "tanh", readout=False)
    buffer = io.BytesIO()
    torch.save(module.state_dict(), buffer)  # a zip archive holding data.pkl
    for name in ("model.pt", "model.npz", "weights"):
        refused(buffer.getvalue(), name, "pickle", "save_file")
    objects = io.BytesIO()
    np.savez(objects, weight_ih_l0=np.array([Marker(marker)], dtype=object))
    refused(objects.getvalue(), "model.npz", "pickle", "need pickle")
    assert not marker.exists()


def test_missing_keys(torch):
    arrays = lstm_arrays(torch)
    refused(npz_bytes({k: v for k, v in arrays.items() if k != "rnn.weight_hh_l0"}), "m.npz", "keys",
            "missing key: rnn.weight_hh_l0")  # fmt: skip
    refused(npz_bytes({k: v for k, v in arrays.items() if k != "rnn.bias_hh_l0"}), "m.npz", "keys",
            "missing key: rnn.bias_hh_l0")  # fmt: skip
    refused(npz_bytes({"fc.weight": arrays["fc.weight"]}), "m.npz", "keys", "no weight_ih_l0")


def test_unexpected_keys(torch):
    arrays = lstm_arrays(torch) | {"embedding.weight": np.zeros((11, 3)), "step": np.zeros(1)}
    refused(npz_bytes(arrays), "m.npz", "keys", "unexpected keys: embedding.weight, step")
    two = lstm_arrays(torch) | {"head.weight": np.zeros((3, H))}
    refused(npz_bytes(two), "m.npz", "keys", "more than one readout fits", "fc., head.")


def test_multi_layer_and_bidirectional_say_which_keys_show_it(torch):
    deep = lstm_arrays(torch, num_layers=2)
    refused(npz_bytes(deep), "m.npz", "layers", "multi-layer", "rnn.weight_ih_l1")
    both = lstm_arrays(torch, bidirectional=True)
    both.pop("fc.weight"), both.pop("fc.bias")  # its outputs are 2H wide
    refused(npz_bytes(both), "m.npz", "layers", "bidirectional", "rnn.weight_ih_l0_reverse")


def test_inconsistent_shapes(torch):
    arrays = lstm_arrays(torch)
    cases = {
        "rnn.weight_hh_l0": (np.zeros((4 * H, H + 1)), "expected (nH, D) and (nH, H)"),
        "rnn.weight_ih_l0": (np.zeros((2 * H, D)), "expected (nH, D) and (nH, H)"),
        "rnn.bias_ih_l0": (np.zeros(4 * H + 1), f"rnn.bias_ih_l0 is ({4 * H + 1},); expected ({4 * H},)"),
        "fc.bias": (np.zeros(K + 1), f"fc.bias is ({K + 1},); expected ({K},)"),
    }
    for key, (value, phrase) in cases.items():
        refused(npz_bytes(arrays | {key: value}), "m.npz", "shapes", phrase)
    refused(npz_bytes(arrays | {"fc.weight": np.zeros((K, H + 1))}), "m.npz", "keys", "unexpected keys: fc.")
    refused(npz_bytes(arrays | {"fc.weight": np.zeros((K, H + 1))}), "m.npz", "shapes", "fc.weight is",
            readout="fc")  # fmt: skip
    refused(npz_bytes(arrays | {"rnn.bias_hh_l0": np.zeros(4 * H, dtype=np.int64)}), "m.npz", "shapes",
            "dtype int64")  # fmt: skip


def test_non_finite_weights(torch):
    arrays = lstm_arrays(torch)
    arrays["rnn.bias_hh_l0"][3] = np.nan
    arrays["fc.weight"][0, 0] = np.inf
    refused(npz_bytes(arrays), "m.npz", "nonfinite", "fc.weight, rnn.bias_hh_l0")


def test_too_large(torch, monkeypatch):
    big = {
        "weight_ih_l0": np.zeros((4 * 400, 300), np.float32),
        "weight_hh_l0": np.zeros((4 * 400, 400), np.float32),
    }
    refused(npz_bytes(big), "big.npz", "size", f"limit is {torch_import.MAX_PARAMETERS}")
    monkeypatch.setattr(torch_import, "MAX_BYTES", 1000)
    refused(npz_bytes(lstm_arrays(torch)), "m.npz", "size", "the limit is 1000 bytes")
