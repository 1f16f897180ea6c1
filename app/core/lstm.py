"""The LSTM, forward and backprop through time, with the cell state c_t kept for the page.

Equations, in the order the code runs them (row vectors; v_t = [h_{t−1}; x_t], h first as in the
lecture's W_f[h_{t−1}, x_t]; h_0 = c_0 = 0; W_f, W_i, W_g, W_o are (H, H+D)):
    f_t = σ(W_f v_t + b_f)                       (B, H)   forget gate
    i_t = σ(W_i v_t + b_i)                       (B, H)   input gate
    g_t = tanh(W_g v_t + b_g)                    (B, H)   candidate
    o_t = σ(W_o v_t + b_o)                       (B, H)   output gate
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t              (B, H)
    h_t = o_t ⊙ tanh(c_t)                        (B, H)
Backward, from t = T down to 1 (dh_t is the readout's direct dL/dh_t):
    δh_t = dh_t + Σ_gates W_·,hᵀ δz_·,t+1        total dL/dh_t
    δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}          total dL/dc_t
    δz_o = δh_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)      δz_f = δc_t ⊙ c_{t−1} ⊙ f_t(1 − f_t)
    δz_i = δc_t ⊙ g_t ⊙ i_t(1 − i_t)             δz_g = δc_t ⊙ i_t ⊙ (1 − g_t²)
    dW_· = Σ_t δz_·,tᵀ v_t,   db_· = Σ_t δz_·,t
Truncated BPTT with k: at t = k, 2k, … the state (h_{t−1}, c_{t−1}) entering the chunk is a constant, so
neither δh nor δc is passed back across it; every step still adds to the weight gradients.

How the code is fused (the names that leave this file are the lecture's):
- The four gates are one (H+D) → 4H map, stored in the order [o, f, i, g]: the three sigmoid gates side by
  side, and f, i, g side by side because all three of their δz are δc_t times a factor known after the
  forward pass (computed for a whole block of steps at once, just before the backward loop reaches it).
- Step t multiplies the row [h_{t−1}, x_t, 1] (kept for every step as `inputs`) by [W | b]: one
  (B, H+D+1) × (H+D+1, 4H) matmul forward gives every gate, input part and bias included, and the
  loop has one (B, 4H) × (4H, H) matmul backward. [dW | db] = Σ_t δz_tᵀ [h_{t−1}, x_t, 1] is one matmul
  per block of steps (bptt.py), one after the loop whenever the sequence fits one block. This measured
  faster than a separate input projection before the loop (`gradflow bench` has the figures).
- σ(z) = ½ + ½ tanh(z/2) (see functional.py); the ½ inside is folded into the sigmoid rows of the weights
  used forward, so one tanh call covers all four gates.
"""

import numpy as np

from app.core import bptt
from app.core.functional import sigmoid, tanh

ORDER = ("o", "f", "i", "g")  # internal order of the fused gate blocks


def step(
    params: dict, x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One step, written exactly as the equations (the fused forward below must agree with it)."""
    v_t = np.concatenate([h_prev, x_t], axis=1)  # (B, H+D)
    f_t = sigmoid(v_t @ params["W_f"].T + params["b_f"])
    i_t = sigmoid(v_t @ params["W_i"].T + params["b_i"])
    g_t = tanh(v_t @ params["W_g"].T + params["b_g"])
    o_t = sigmoid(v_t @ params["W_o"].T + params["b_o"])
    c_t = f_t * c_prev + i_t * g_t
    h_t = o_t * tanh(c_t)
    return h_t, c_t


def fused_weights(params: dict) -> tuple[np.ndarray, np.ndarray]:
    """W (4H, H+D) and b (4H,) with the gate blocks in ORDER."""
    W = np.concatenate([params[f"W_{k}"] for k in ORDER])  # (4H, H+D)
    b = np.concatenate([params[f"b_{k}"] for k in ORDER])  # (4H,)
    return W, b


def forward(params: dict, x: np.ndarray, h0: np.ndarray | None = None, c0: np.ndarray | None = None) -> dict:
    """Run the LSTM over x (T, B, D). The cache holds x, h0, c0, hidden, cell (T, B, H), the fused gate
    activations (T, B, 4H), `gates`, a dict of (T, B, H) views f, i, g, o into them, and `inputs`
    (T, B, H+D+1): row t is [h_{t−1}, x_t, 1], what step t's gates multiply (the 1 by the biases)."""
    T, B, D = x.shape
    H = params["b_f"].shape[0]
    W, b = fused_weights(params)
    half = np.ones(4 * H, dtype=W.dtype)
    half[: 3 * H] = 0.5  # tanh(z/2) for the sigmoid gates, and σ = ½ tanh(z/2) + ½ after it
    shift = 1.0 - half  # (4H,) ½ for the sigmoid gates, 0 for g
    # [W | b] with the ½ folded in, as a transposed view of a C-ordered matrix: OpenBLAS packs it faster
    # for these small-B products.
    Wb_T = np.ascontiguousarray(np.concatenate([W, b[:, None]], axis=1) * half[:, None]).T  # (H+D+1, 4H)

    inputs = np.empty((T, B, H + D + 1), dtype=W.dtype)
    inputs[:, :, H : H + D] = x
    inputs[:, :, H + D] = 1.0
    inputs[0, :, :H] = 0.0 if h0 is None else h0
    z = np.empty((T, B, 4 * H), dtype=W.dtype)  # pre-activations, overwritten by the activations
    cell = np.empty((T, B, H), dtype=W.dtype)
    hidden = np.empty_like(cell)
    ig = np.empty((B, H), dtype=W.dtype)
    tanh_c = np.empty((B, H), dtype=W.dtype)
    c_prev = np.zeros((B, H), dtype=W.dtype) if c0 is None else c0
    for t in range(T):
        z_t = np.matmul(inputs[t], Wb_T, out=z[t])  # every gate, x_t part and bias included: one matmul
        np.tanh(z_t, out=z_t)
        z_t *= half  # whole rows at once: NumPy is much faster on them than on column blocks
        z_t += shift
        o_t, f_t, i_t, g_t = z_t[:, :H], z_t[:, H : 2 * H], z_t[:, 2 * H : 3 * H], z_t[:, 3 * H :]
        c_t = np.multiply(f_t, c_prev, out=cell[t])
        c_t += np.multiply(i_t, g_t, out=ig)
        h_t = np.multiply(o_t, np.tanh(c_t, out=tanh_c), out=hidden[t])
        if t + 1 < T:
            inputs[t + 1, :, :H] = h_t
        c_prev = c_t
    gates = {k: z[:, :, j * H : (j + 1) * H] for j, k in enumerate(ORDER)}
    return {
        "x": x,
        "h0": h0,
        "c0": c0,
        "hidden": hidden,
        "cell": cell,
        "fused_gates": z,
        "gates": {k: gates[k] for k in ("f", "i", "g", "o")},
        "inputs": inputs,
    }


def _local_factors(cache: dict, start: int, end: int, dz: np.ndarray, grad_cell: np.ndarray) -> None:
    """For steps [start, end), the parts of δz and δc that depend only on the forward pass:
    dz (end − start, B, 4H) ← [tanh(c_t) ⊙ o(1 − o), c_{t−1} ⊙ f(1 − f), g ⊙ i(1 − i), i ⊙ (1 − g²)]
    (δz_o / δh_t, then δz_f, δz_i, δz_g / δc_t), and grad_cell[start:end] ← o_t ⊙ (1 − tanh²(c_t))."""
    z, cell = cache["fused_gates"][start:end], cache["cell"]
    H = cell.shape[2]
    o, i, g = z[:, :, :H], z[:, :, 2 * H : 3 * H], z[:, :, 3 * H :]
    tanh_c = np.tanh(cell[start:end], out=grad_cell[start:end])
    is_sigmoid = np.ones(4 * H, dtype=z.dtype)
    is_sigmoid[3 * H :] = 0.0
    # (is_sigmoid − z) ⊙ z + (1 − is_sigmoid) is s(1 − s) in the σ blocks and 1 − g² in the g block: the
    # four derivatives in three operations on whole rows
    np.subtract(is_sigmoid, z, out=dz)
    dz *= z
    dz += 1.0 - is_sigmoid
    dz[:, :, :H] *= tanh_c
    bptt.multiply_by_previous(dz[:, :, H : 2 * H], cell, cache["c0"], start, end)
    dz[:, :, 2 * H : 3 * H] *= g
    dz[:, :, 3 * H :] *= i
    np.multiply(tanh_c, tanh_c, out=tanh_c)  # grad_cell block, in place: tanh² → o ⊙ (1 − tanh²)
    np.subtract(1.0, tanh_c, out=tanh_c)
    tanh_c *= o


def backward(
    params: dict, cache: dict, dh: np.ndarray, truncate: int | None = None, out: np.ndarray | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Backprop through time. dh (T, B, H) is the readout's direct dL/dh_t. Returns the grads of the
    W_· and b_·, grad_hidden and grad_cell (T, B, H): the total dL/dh_t and dL/dc_t that the pass reaches.
    grad_hidden is written into `out` when given (which may be dh, as in rnn.backward)."""
    x, hidden, cell, z, inputs = (
        cache["x"],
        cache["hidden"],
        cache["cell"],
        cache["fused_gates"],
        cache["inputs"],
    )
    T, B, D = x.shape
    H = hidden.shape[2]
    W, _ = fused_weights(params)
    W_h = np.ascontiguousarray(W[:, :H].T).T  # (4H, H), stored transposed for the same reason as forward
    f = z[:, :, H : 2 * H]

    grad_hidden = np.empty_like(hidden) if out is None else out  # out may be dh itself: one array fewer
    grad_cell = np.empty_like(cell)
    scratch = np.empty((bptt.block_steps(T, B, 4 * H), B, 4 * H), dtype=z.dtype)  # δz of one block
    carry_h = np.zeros((B, H), dtype=z.dtype)  # Σ W_·,hᵀ δz_·,t+1
    carry_c = np.zeros((B, H), dtype=z.dtype)  # δc_{t+1} ⊙ f_{t+1}
    dW = np.zeros((4 * H, H + D + 1), z.dtype)  # [dW_h | dW_x | db] = Σ_t δz_tᵀ [h_{t−1}, x_t, 1]
    for start, end in bptt.blocks(T, B, 4 * H):
        dz = scratch[: end - start]  # [o, f, i, g]
        _local_factors(cache, start, end, dz, grad_cell)
        for t in range(end - 1, start - 1, -1):
            dh_t = np.add(dh[t], carry_h, out=grad_hidden[t])
            dc_t = grad_cell[t]
            dc_t *= dh_t
            dc_t += carry_c
            dz_t = dz[t - start]
            dz_t[:, :H] *= dh_t  # δz_o
            fig = dz_t.reshape(B, 4, H)[:, 1:]  # (B, 3, H) view: δz_f, δz_i, δz_g
            fig *= dc_t[:, None, :]
            if bptt.cut(t, truncate):
                # (h_{t−1}, c_{t−1}) is a constant here: nothing flows into the previous chunk
                carry_h.fill(0.0)
                carry_c.fill(0.0)
            else:
                np.multiply(dc_t, f[t], out=carry_c)
                np.matmul(dz_t, W_h, out=carry_h)
        dW += dz.reshape(-1, 4 * H).T @ inputs[start:end].reshape(-1, H + D + 1)  # one matmul per block

    grads = {}
    for j, k in enumerate(ORDER):
        rows = slice(j * H, (j + 1) * H)
        grads[f"W_{k}"] = dW[rows, : H + D].copy()  # (H, H+D)
        grads[f"b_{k}"] = dW[rows, H + D].copy()
    grads = {name: grads[name] for name in ("W_f", "W_i", "W_g", "W_o", "b_f", "b_i", "b_g", "b_o")}
    return grads, grad_hidden, grad_cell
