"""Import a trained PyTorch nn.RNN, nn.LSTM or nn.GRU (one layer, one direction) and an optional nn.Linear
readout from its state dict, saved with safetensors or as the same keys in a NumPy .npz.

Nothing here unpickles: a .pt/.pth file (a pickle, or a zip archive holding one) is refused before any of
it is read as Python objects, with a message saying how to save safetensors instead; an .npz is read with
np.load(allow_pickle=False) and safetensors holds raw arrays only. Save a model for it with

    from safetensors.torch import save_file
    save_file(model.state_dict(), "model.safetensors")

PyTorch's layout, mapped onto the core's names (app/core/init.py; W_· (H, H+D) with the h columns first):
    weight_ih_l0 (nH, D), weight_hh_l0 (nH, H), bias_ih_l0 (nH,), bias_hh_l0 (nH,) with n = 1, 4, 3
    nn.RNN   W_xh = weight_ih,  W_hh = weight_hh,  b_h = bias_ih + bias_hh
    nn.LSTM  row blocks (i, f, g, o):  W_· = [weight_hh_·, weight_ih_·],  b_· = bias_ih_· + bias_hh_·
    nn.GRU   row blocks (r, z, n):  W_· = [weight_hh_·, weight_ih_·],  b_r, b_z the sums of the two biases,
             b_n = bias_ih_n and b_hn = bias_hh_n, which PyTorch's GRU keeps inside the reset gate's
             product, r_t ⊙ (W_hn h_{t−1} + b_hn): the core's GRU in PyTorch's form (app/core/gru.py)
    nn.Linear  W_hy = weight (K, H),  b_y = bias (K,)
The cell is told by the rows of weight_ih_l0 (H, 4H or 3H for H = weight_hh_l0's columns); whether an
nn.RNN used tanh or relu is not in its state dict, so the caller says (`nonlinearity`). Modules without
biases (bias=False) get zero biases. The readout's keys are `<readout>weight` and `<readout>bias` under a
prefix the caller names, or else the one (K, H) matrix named "…weight" that is left; without one, the
caller initialises a readout (build_model).

Limits (bad files get one WeightsError each, whose `reason` names the case): at most MAX_BYTES bytes and
MAX_PARAMETERS numbers; finite floating-point weights only.
"""

import io
import re
import zipfile
from dataclasses import dataclass

import numpy as np

from app.core.init import param_names
from app.core.model import Model

MAX_BYTES = 16 * 1024 * 1024  # a file larger than this is refused before it is parsed
MAX_PARAMETERS = 1_000_000  # numbers in the cell and readout together (an LSTM with H = 400, D = 200)
PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".bin", ".ckpt", ".tar")
LAYER_KEY = re.compile(r"(?:weight|bias)_(?:ih|hh|hr)_l(\d+)(_reverse)?$")  # PyTorch's per-layer keys
ROW_BLOCKS = {1: "rnn", 4: "lstm", 3: "gru"}
TORCH_GATES = {"lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}  # PyTorch's row order
SAVE_HINT = (
    "save the state dict with safetensors instead: "
    "from safetensors.torch import save_file; save_file(model.state_dict(), 'model.safetensors')"
)


class WeightsError(ValueError):
    """A weights file that cannot be imported; reason is one of "format", "pickle", "keys", "layers",
    "shapes", "nonfinite", "size"."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class Imported:
    """A recurrent layer read from a state dict, in the core's names. `params` holds the cell's parameters
    and, when the file has a readout, W_hy and b_y."""

    kind: str
    activation: str  # the RNN's nonlinearity; "tanh" for the gated cells, which do not use it
    params: dict[str, np.ndarray]
    input_size: int
    hidden_size: int
    output_size: int | None  # the readout's K, None without a readout
    prefix: str  # the recurrent module's key prefix, e.g. "rnn."
    readout_prefix: str | None

    @property
    def has_readout(self) -> bool:
        return self.output_size is not None


def read_tensors(data: bytes, filename: str = "") -> dict[str, np.ndarray]:
    """The arrays of a safetensors or .npz file given as bytes, without unpickling anything."""
    if len(data) > MAX_BYTES:
        raise WeightsError("size", f"the weights file has {len(data)} bytes; the limit is {MAX_BYTES} bytes")
    name = filename.lower()
    if name.endswith(PICKLE_SUFFIXES) or data[:1] == b"\x80":
        raise WeightsError(
            "pickle",
            f"{filename or 'this file'} is a pickle (torch.save), which is never loaded here; {SAVE_HINT}",
        )
    if data[:4] == b"PK\x03\x04":
        return _read_npz(data, filename)
    if _looks_like_safetensors(data):
        from safetensors.numpy import load  # the raw-array reader, no pickle

        try:
            return dict(load(data))
        except Exception as err:  # the Rust parser's own error types
            raise WeightsError(
                "format", f"{filename or 'the file'} is not a valid safetensors file: {err}"
            ) from None
    raise WeightsError(
        "format",
        f"{filename or 'the file'} is neither a safetensors file nor a NumPy .npz archive; {SAVE_HINT}",
    )


def _looks_like_safetensors(data: bytes) -> bool:
    """safetensors starts with an 8-byte little-endian header length, then the JSON header."""
    if len(data) < 10:
        return False
    n = int.from_bytes(data[:8], "little")
    return 2 <= n <= len(data) - 8 and data[8:9] == b"{"


def _read_npz(data: bytes, filename: str) -> dict[str, np.ndarray]:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile as err:
        raise WeightsError("format", f"{filename or 'the file'} is a damaged zip archive: {err}") from None
    if not members or not all(m.endswith(".npy") for m in members):
        # torch.save's zip archive holds data.pkl: a pickle inside, never opened here
        raise WeightsError(
            "pickle",
            f"{filename or 'the file'} is a zip archive but not a NumPy .npz (it holds "
            f"{', '.join(m for m in members if not m.endswith('.npy'))[:200]}), as torch.save writes; {SAVE_HINT}",
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except ValueError as err:  # an object array would need pickle: refused by allow_pickle=False
        raise WeightsError(
            "pickle", f"{filename or 'the .npz'} holds arrays that need pickle ({err}); {SAVE_HINT}"
        ) from None


def import_state_dict(
    tensors: dict[str, np.ndarray], nonlinearity: str = "tanh", readout: str | None = None
) -> Imported:
    """Map a state dict's arrays onto the core's parameters (see the module docstring). `readout` is the
    nn.Linear's key prefix (e.g. "fc." or "fc"); None finds it by shape, "" with no keys means none."""
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', not {nonlinearity!r}")
    if not tensors:
        raise WeightsError("keys", "the file holds no arrays; expected weight_ih_l0, weight_hh_l0, …")
    total = sum(int(np.size(a)) for a in tensors.values())
    if total > MAX_PARAMETERS:
        raise WeightsError("size", f"the file holds {total} numbers; the limit is {MAX_PARAMETERS}")
    _refuse_layers(tensors)
    heads = [k for k in tensors if k.endswith("weight_ih_l0")]
    if len(heads) != 1:
        raise WeightsError(
            "keys",
            "missing key: no weight_ih_l0 (an nn.RNN, nn.LSTM or nn.GRU's state dict)"
            if not heads
            else f"more than one recurrent layer: {', '.join(sorted(heads))}; save one nn.RNN/LSTM/GRU",
        )
    prefix = heads[0][: -len("weight_ih_l0")]
    arrays = {k: _as_float(k, a) for k, a in tensors.items()}
    W_ih, W_hh = arrays[prefix + "weight_ih_l0"], _need(arrays, prefix + "weight_hh_l0")
    if W_ih.ndim != 2 or W_hh.ndim != 2:
        raise WeightsError("shapes", f"{prefix}weight_ih_l0 and {prefix}weight_hh_l0 must be matrices")
    H, D = W_hh.shape[1], W_ih.shape[1]
    n = W_ih.shape[0] // H if H and W_ih.shape[0] % H == 0 else 0
    if n not in ROW_BLOCKS or W_hh.shape != (n * H, H) or min(H, D) < 1:
        raise WeightsError(
            "shapes",
            f"{prefix}weight_ih_l0 is {W_ih.shape} and {prefix}weight_hh_l0 is {W_hh.shape}: expected "
            f"(nH, D) and (nH, H) with n = 1 (RNN), 4 (LSTM) or 3 (GRU)",
        )
    kind = ROW_BLOCKS[n]
    b_keys = (prefix + "bias_ih_l0", prefix + "bias_hh_l0")
    present = [k for k in b_keys if k in arrays]
    if len(present) == 1:
        raise WeightsError(
            "keys", f"missing key: {next(k for k in b_keys if k not in arrays)} (beside {present[0]})"
        )
    b_ih, b_hh = (arrays[k] for k in b_keys) if present else (np.zeros(n * H), np.zeros(n * H))
    for key, b in zip(b_keys, (b_ih, b_hh), strict=True):
        if b.shape != (n * H,):
            raise WeightsError("shapes", f"{key} is {b.shape}; expected ({n * H},) for H = {H}")
    params = _map_cell(kind, W_ih, W_hh, b_ih, b_hh, H)

    used = {prefix + "weight_ih_l0", prefix + "weight_hh_l0", *present}
    readout_prefix = _find_readout(arrays, used, H, readout)
    K = None
    if readout_prefix is not None:
        W_hy = _need(arrays, readout_prefix + "weight")
        K = W_hy.shape[0] if W_hy.ndim == 2 else 0
        if W_hy.ndim != 2 or W_hy.shape[1] != H or K < 1:
            raise WeightsError("shapes", f"{readout_prefix}weight is {W_hy.shape}; expected (K, H = {H})")
        b_y = arrays.get(readout_prefix + "bias", np.zeros(K))
        if b_y.shape != (K,):
            raise WeightsError("shapes", f"{readout_prefix}bias is {b_y.shape}; expected ({K},)")
        params.update(W_hy=W_hy, b_y=b_y)
        used |= {readout_prefix + "weight"} | ({readout_prefix + "bias"} & set(arrays))
    unexpected = sorted(set(arrays) - used)
    if unexpected:
        raise WeightsError(
            "keys",
            f"unexpected keys: {', '.join(unexpected)[:300]}; save only the recurrent layer and its nn.Linear "
            "readout (e.g. {**rnn.state_dict(), **{'fc.' + k: v for k, v in fc.state_dict().items()}})",
        )
    bad = sorted(k for k in used if not np.isfinite(arrays[k]).all())
    if bad:
        raise WeightsError("nonfinite", f"non-finite weights (inf or nan) in {', '.join(bad)}")
    params = {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in params.items()}
    return Imported(kind, nonlinearity, params, D, H, K, prefix, readout_prefix)


def _refuse_layers(tensors: dict) -> None:
    """A second layer (…_l1) or a reverse direction (…_reverse) is named by its keys."""
    layer_keys = {k: LAYER_KEY.search(k) for k in tensors}
    deep = sorted(k for k, m in layer_keys.items() if m and m.group(1) != "0")
    reverse = sorted(k for k, m in layer_keys.items() if m and m.group(2))
    if deep:
        raise WeightsError(
            "layers",
            f"a multi-layer network (num_layers > 1), shown by {', '.join(deep)[:300]}; only one layer is supported",
        )
    if reverse:
        raise WeightsError(
            "layers",
            f"a bidirectional network, shown by {', '.join(reverse)[:300]}; only one direction is supported",
        )


def _as_float(key: str, a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.floating):
        raise WeightsError("shapes", f"{key} has dtype {a.dtype}; weights must be floating-point")
    return a.astype(np.float64)  # float16/32 → float64 is exact


def _need(arrays: dict, key: str) -> np.ndarray:
    if key not in arrays:
        raise WeightsError("keys", f"missing key: {key}")
    return arrays[key]


def _map_cell(kind, W_ih, W_hh, b_ih, b_hh, H) -> dict[str, np.ndarray]:
    if kind == "rnn":
        return {"W_xh": W_ih, "W_hh": W_hh, "b_h": b_ih + b_hh}
    params = {}
    for j, gate in enumerate(TORCH_GATES[kind]):
        rows = slice(j * H, (j + 1) * H)
        params[f"W_{gate}"] = np.concatenate([W_hh[rows], W_ih[rows]], axis=1)  # (H, H+D), h first
        if kind == "gru" and gate == "n":
            params["b_n"], params["b_hn"] = b_ih[rows], b_hh[rows]  # b_hn stays inside r_t ⊙ (…)
        else:
            params[f"b_{gate}"] = b_ih[rows] + b_hh[rows]
    return params


def _find_readout(arrays: dict, used: set, H: int, readout: str | None) -> str | None:
    """The nn.Linear's key prefix: the one named, else the only "…weight" (K, H) matrix not yet used."""
    if readout is not None:
        if readout == "":
            return None
        prefix = readout if readout.endswith(".") or readout + "weight" in arrays else readout + "."
        if prefix + "weight" not in arrays:
            raise WeightsError("keys", f"missing key: {prefix}weight (the readout named {readout!r})")
        return prefix
    candidates = [
        k[: -len("weight")]
        for k, a in arrays.items()
        if k not in used and k.endswith("weight") and a.ndim == 2 and a.shape[1] == H
    ]
    if len(candidates) > 1:
        raise WeightsError(
            "keys", f"more than one readout fits (K, H = {H}): {', '.join(sorted(candidates))}; name one"
        )
    return candidates[0] if candidates else None


def load_weights(
    data: bytes, filename: str = "", nonlinearity: str = "tanh", readout: str | None = None
) -> Imported:
    """read_tensors then import_state_dict: the one call the CLI and the API make."""
    return import_state_dict(read_tensors(data, filename), nonlinearity, readout)


def build_model(
    imported: Imported,
    output_size: int,
    output: str = "linear",
    seed: int = 0,
    output_scale: float = 1.0,
) -> Model:
    """A Model from imported weights. Without a readout in the file, W_hy ~ output_scale · N(0, 1/H) and
    b_y = 0 are drawn from np.random.default_rng(seed), as init_params draws them; with one, output_size
    must be its K."""
    p = dict(imported.params)
    H = imported.hidden_size
    if imported.has_readout:
        if output_size != imported.output_size:
            raise ValueError(
                f"the file's readout has K = {imported.output_size} outputs; the task needs {output_size}"
            )
    else:
        rng = np.random.default_rng(seed)
        p["W_hy"] = output_scale * rng.standard_normal((output_size, H)) / np.sqrt(H)
        p["b_y"] = np.zeros(output_size)
    form = "torch" if imported.kind == "gru" else "cho"
    # copies: a model's parameters may be changed in place (training); the imported ones stay as read
    params = {
        name: np.array(p[name], dtype=np.float64, order="C") for name in param_names(imported.kind, form)
    }
    return Model(imported.kind, params, output=output, activation=imported.activation)


__all__ = ["MAX_BYTES", "MAX_PARAMETERS", "Imported", "WeightsError", "build_model", "load_weights"]
