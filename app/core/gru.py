"""The GRU of Cho et al. (2014), forward and backprop through time.

Equations, in the order the code runs them (row vectors; v_t = [h_{t−1}; x_t]; h_0 = 0; W_z, W_r, W_n
are (H, H+D), their first H columns act on the state, written W_·h, the rest on x_t, written W_·x):
    z_t = σ(W_z v_t + b_z)                       (B, H)   update gate
    r_t = σ(W_r v_t + b_r)                       (B, H)   reset gate
    n_t = tanh(W_n [r_t ⊙ h_{t−1}; x_t] + b_n)   (B, H)   candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}        (B, H)
Backward, from t = T down to 1 (dh_t is the readout's direct dL/dh_t):
    δh_t = dh_t + (carry from step t+1)          total dL/dh_t
    δz_n = δh_t ⊙ (1 − z_t) ⊙ (1 − n_t²)
    δz_z = δh_t ⊙ (h_{t−1} − n_t) ⊙ z_t(1 − z_t)
    δ(r⊙h) = W_nhᵀ δz_n ;  δz_r = δ(r⊙h) ⊙ h_{t−1} ⊙ r_t(1 − r_t)
    carry to step t−1 = δh_t ⊙ z_t + δ(r⊙h) ⊙ r_t + W_zhᵀ δz_z + W_rhᵀ δz_r
    dW_z = Σ_t δz_zᵀ v_t,  dW_r = Σ_t δz_rᵀ v_t,  dW_n = Σ_t δz_nᵀ [r_t ⊙ h_{t−1}; x_t],  db_· = Σ_t δz_·
Truncated BPTT with k: at t = k, 2k, … h_{t−1} is a constant, so no carry is passed back across it.

Fused as in lstm.py: the x_t part of all three gates for all steps is one matmul before the loop, blocks
stored in the order [r, z, n] (the sigmoid gates side by side; z and n side by side because both of
their δz are δh_t times a factor known after the forward pass), the ½ of σ(z) = ½ + ½ tanh(z/2) folded
into the sigmoid rows of the weights used forward, and the weight gradients are matmuls per block of
steps (bptt.py).

PyTorch's nn.GRU is a variant: the reset gate multiplies the state's part of the candidate after the matrix
product, with a bias b_hn of its own there (q_t = W_nh h_{t−1} + b_hn, n_t = tanh(W_nx x_t + b_n + r_t ⊙ q_t);
its b_ir + b_hr and b_iz + b_hz are our b_r and b_z). A parameter set that holds b_hn is in that form, and
forward / backward run forward_torch / backward_torch for it; the equations, forward and back, are those of
app/core/reference/gru.py. In that form all three recurrent products take h_{t−1}, so the loop does one
(B, H) × (H, 3H) matmul per step, and q_t is kept for the backward pass.
"""

import numpy as np

from app.core import bptt
from app.core.functional import affine, sigmoid, tanh

ORDER = ("r", "z", "n")  # internal order of the fused gate blocks


def step(params: dict, x_t: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """One step, written exactly as the equations (the fused forward below must agree with it); a
    parameter set in PyTorch's form (with b_hn) takes step_torch."""
    if "b_hn" in params:
        return step_torch(params, x_t, h_prev)
    v_t = np.concatenate([h_prev, x_t], axis=1)  # (B, H+D)
    z_t = sigmoid(v_t @ params["W_z"].T + params["b_z"])
    r_t = sigmoid(v_t @ params["W_r"].T + params["b_r"])
    n_t = tanh(np.concatenate([r_t * h_prev, x_t], axis=1) @ params["W_n"].T + params["b_n"])
    return (1 - z_t) * n_t + z_t * h_prev


def forward(params: dict, x: np.ndarray, h0: np.ndarray | None = None) -> dict:
    """Run the GRU over x (T, B, D). The cache holds x, h0, hidden (T, B, H), the fused gate activations
    (T, B, 3H) and `gates`, a dict of (T, B, H) views z, r, n into them."""
    if "b_hn" in params:
        return forward_torch(params, x, h0)
    T, B, D = x.shape
    H = params["b_z"].shape[0]
    dtype = params["W_z"].dtype
    # transposed views of C-ordered matrices: faster to pack for OpenBLAS (see lstm.py)
    W_rz_h_T = (0.5 * np.concatenate([params["W_r"][:, :H], params["W_z"][:, :H]])).T  # (H, 2H)
    W_nh_T = np.ascontiguousarray(params["W_n"][:, :H]).T  # (H, H)
    W_x = np.concatenate([0.5 * params["W_r"][:, H:], 0.5 * params["W_z"][:, H:], params["W_n"][:, H:]])
    b = np.concatenate([0.5 * params["b_r"], 0.5 * params["b_z"], params["b_n"]])  # (3H,)

    a = np.empty((T, B, 3 * H), dtype=dtype)
    # (T, B, 3H): the input part of every pre-activation, overwritten by the activations
    affine(x.reshape(T * B, D), W_x, b, out=a.reshape(T * B, 3 * H))
    hidden = np.empty((T, B, H), dtype=dtype)
    rec_rz = np.empty((B, 2 * H), dtype=dtype)
    rec_n = np.empty((B, H), dtype=dtype)
    rh = np.empty((B, H), dtype=dtype)
    h_prev = np.zeros((B, H), dtype=dtype) if h0 is None else h0
    for t in range(T):
        a_t = a[t]
        rz = a_t[:, : 2 * H]
        started = t > 0 or h0 is not None  # h_0 = 0 makes both recurrent products zero
        if started:
            rz += np.matmul(h_prev, W_rz_h_T, out=rec_rz)
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        r_t, z_t, n_t = a_t[:, :H], a_t[:, H : 2 * H], a_t[:, 2 * H :]
        if started:
            n_t += np.matmul(np.multiply(r_t, h_prev, out=rh), W_nh_T, out=rec_n)
        np.tanh(n_t, out=n_t)
        h_t = np.subtract(h_prev, n_t, out=hidden[t])
        h_t *= z_t
        h_t += n_t
        h_prev = h_t
    gates = {k: a[:, :, j * H : (j + 1) * H] for j, k in enumerate(ORDER)}
    return {
        "x": x,
        "h0": h0,
        "hidden": hidden,
        "fused_gates": a,
        "gates": {k: gates[k] for k in ("z", "r", "n")},
    }


def _local_factors(cache: dict, start: int, end: int, dz: np.ndarray, h_prev: np.ndarray) -> None:
    """For steps [start, end), the parts of δz that depend only on the forward pass:
    dz (end − start, B, 3H) ← [h_{t−1} ⊙ r(1 − r), (h_{t−1} − n_t) ⊙ z(1 − z), (1 − z_t) ⊙ (1 − n_t²)]
    (δz_r / δ(r⊙h), then δz_z and δz_n / δh_t); h_prev is h_{t−1} for those steps."""
    a = cache["fused_gates"][start:end]
    H = h_prev.shape[2]
    r, z, n = a[:, :, :H], a[:, :, H : 2 * H], a[:, :, 2 * H :]
    d_r, d_z, d_n = dz[:, :, :H], dz[:, :, H : 2 * H], dz[:, :, 2 * H :]
    np.subtract(1.0, r, out=d_r)
    d_r *= r
    d_r *= h_prev
    np.subtract(h_prev, n, out=d_n)  # d_n as scratch space for h_{t−1} − n_t
    np.subtract(1.0, z, out=d_z)
    d_z *= z
    d_z *= d_n
    np.multiply(n, n, out=d_n)
    np.subtract(1.0, d_n, out=d_n)
    d_n *= 1.0 - z


def backward(
    params: dict, cache: dict, dh: np.ndarray, truncate: int | None = None, out: np.ndarray | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Backprop through time. dh (T, B, H) is the readout's direct dL/dh_t. Returns the grads of the
    W_· and b_·, and grad_hidden (T, B, H): the total dL/dh_t that the (possibly truncated) pass reaches,
    written into `out` when given (which may be dh, as in rnn.backward)."""
    if "b_hn" in params:
        return backward_torch(params, cache, dh, truncate, out)
    x, h0, hidden, a = cache["x"], cache["h0"], cache["hidden"], cache["fused_gates"]
    T, B, D = x.shape
    H = hidden.shape[2]
    dtype = a.dtype
    # (2H, H) and (H, H), stored transposed as in forward
    W_rz_h = np.ascontiguousarray(np.concatenate([params["W_r"][:, :H], params["W_z"][:, :H]]).T).T
    W_nh = np.ascontiguousarray(params["W_n"][:, :H].T).T
    r, z = a[:, :, :H], a[:, :, H : 2 * H]

    grad_hidden = np.empty_like(hidden) if out is None else out  # out may be dh itself: one array fewer
    n_max = bptt.block_steps(T, B, 3 * H)
    scratch = np.empty((n_max, B, 3 * H), dtype=dtype)  # δz of one block
    scratch_rh = np.empty((n_max, B, H), dtype=dtype)  # r_t ⊙ h_{t−1} of one block
    carry = np.zeros((B, H), dtype=dtype)
    d_rh = np.empty((B, H), dtype=dtype)
    rec = np.empty((B, H), dtype=dtype)
    dW_rz_h, dW_nh = np.zeros((2 * H, H), dtype), np.zeros((H, H), dtype)
    dW_x, db = np.zeros((3 * H, D), dtype), np.zeros(3 * H, dtype)
    for start, end in bptt.blocks(T, B, 3 * H):
        dz = scratch[: end - start]  # [r, z, n]
        h_prev = bptt.previous(hidden, h0, start, end)
        _local_factors(cache, start, end, dz, h_prev)
        for t in range(end - 1, start - 1, -1):
            dh_t = np.add(dh[t], carry, out=grad_hidden[t])
            dz_t = dz[t - start]
            zn = dz_t.reshape(B, 3, H)[:, 1:]  # (B, 2, H) view: δz_z, δz_n
            zn *= dh_t[:, None, :]
            np.matmul(dz_t[:, 2 * H :], W_nh, out=d_rh)  # δ(r⊙h)
            dz_t[:, :H] *= d_rh  # δz_r
            if bptt.cut(t, truncate):
                carry.fill(0.0)  # h_{t−1} is a constant here: nothing flows into the previous chunk
            else:
                np.multiply(dh_t, z[t], out=carry)
                d_rh *= r[t]
                carry += d_rh
                carry += np.matmul(dz_t[:, : 2 * H], W_rz_h, out=rec)
        rows = dz.reshape(-1, 3 * H)
        rh = np.multiply(r[start:end], h_prev, out=scratch_rh[: end - start])
        dW_rz_h += rows[:, : 2 * H].T @ h_prev.reshape(-1, H)
        dW_nh += rows[:, 2 * H :].T @ rh.reshape(-1, H)
        dW_x += rows.T @ x[start:end].reshape(-1, D)
        db += rows.sum(axis=0)

    grads = {
        "W_z": np.concatenate([dW_rz_h[H:], dW_x[H : 2 * H]], axis=1),
        "W_r": np.concatenate([dW_rz_h[:H], dW_x[:H]], axis=1),
        "W_n": np.concatenate([dW_nh, dW_x[2 * H :]], axis=1),
        "b_z": db[H : 2 * H],
        "b_r": db[:H],
        "b_n": db[2 * H :],
    }
    return grads, grad_hidden


def step_torch(params: dict, x_t: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """One step of PyTorch's form, written exactly as its equations (forward_torch must agree with it)."""
    H = h_prev.shape[1]
    v_t = np.concatenate([h_prev, x_t], axis=1)  # (B, H+D)
    z_t = sigmoid(v_t @ params["W_z"].T + params["b_z"])
    r_t = sigmoid(v_t @ params["W_r"].T + params["b_r"])
    q_t = h_prev @ params["W_n"][:, :H].T + params["b_hn"]
    n_t = tanh(x_t @ params["W_n"][:, H:].T + params["b_n"] + r_t * q_t)
    return (1 - z_t) * n_t + z_t * h_prev


def forward_torch(params: dict, x: np.ndarray, h0: np.ndarray | None = None) -> dict:
    """forward() for PyTorch's form; the cache also holds q (T, B, H) = W_nh h_{t−1} + b_hn."""
    T, B, D = x.shape
    H = params["b_z"].shape[0]
    dtype = params["W_z"].dtype
    W_h_T = np.concatenate(
        [0.5 * params["W_r"][:, :H], 0.5 * params["W_z"][:, :H], params["W_n"][:, :H]]
    ).T  # (H, 3H)
    W_x = np.concatenate([0.5 * params["W_r"][:, H:], 0.5 * params["W_z"][:, H:], params["W_n"][:, H:]])
    b = np.concatenate([0.5 * params["b_r"], 0.5 * params["b_z"], params["b_n"]])  # (3H,)
    b_hn = params["b_hn"]

    a = np.empty((T, B, 3 * H), dtype=dtype)
    affine(x.reshape(T * B, D), W_x, b, out=a.reshape(T * B, 3 * H))  # (T, B, 3H)
    hidden = np.empty((T, B, H), dtype=dtype)
    q = np.empty((T, B, H), dtype=dtype)
    rec = np.empty((B, 3 * H), dtype=dtype)
    h_prev = np.zeros((B, H), dtype=dtype) if h0 is None else h0
    for t in range(T):
        a_t = a[t]
        rz = a_t[:, : 2 * H]
        if t > 0 or h0 is not None:  # h_0 = 0 makes the recurrent product zero
            np.matmul(h_prev, W_h_T, out=rec)
            rz += rec[:, : 2 * H]
            np.add(rec[:, 2 * H :], b_hn, out=q[t])
        else:
            q[t] = b_hn
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        r_t, z_t, n_t = a_t[:, :H], a_t[:, H : 2 * H], a_t[:, 2 * H :]
        n_t += r_t * q[t]
        np.tanh(n_t, out=n_t)
        h_t = np.subtract(h_prev, n_t, out=hidden[t])
        h_t *= z_t
        h_t += n_t
        h_prev = h_t
    gates = {k: a[:, :, j * H : (j + 1) * H] for j, k in enumerate(ORDER)}
    return {
        "x": x,
        "h0": h0,
        "hidden": hidden,
        "fused_gates": a,
        "q": q,
        "gates": {k: gates[k] for k in ("z", "r", "n")},
    }


def backward_torch(
    params: dict, cache: dict, dh: np.ndarray, truncate: int | None = None, out: np.ndarray | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """backward() for PyTorch's form; the grads include b_hn."""
    x, h0, hidden, a, q = cache["x"], cache["h0"], cache["hidden"], cache["fused_gates"], cache["q"]
    T, B, D = x.shape
    H = hidden.shape[2]
    dtype = a.dtype
    W_rz_h = np.ascontiguousarray(np.concatenate([params["W_r"][:, :H], params["W_z"][:, :H]]).T).T
    W_nh = np.ascontiguousarray(params["W_n"][:, :H].T).T
    r, z = a[:, :, :H], a[:, :, H : 2 * H]

    grad_hidden = np.empty_like(hidden) if out is None else out
    n_max = bptt.block_steps(T, B, 3 * H)
    scratch = np.empty((n_max, B, 3 * H), dtype=dtype)  # δz of one block, [r, z, n]
    scratch_q = np.empty((n_max, B, H), dtype=dtype)  # δq of one block
    carry = np.zeros((B, H), dtype=dtype)
    rec = np.empty((B, H), dtype=dtype)
    dW_rz_h, dW_nh = np.zeros((2 * H, H), dtype), np.zeros((H, H), dtype)
    dW_x, db, db_hn = np.zeros((3 * H, D), dtype), np.zeros(3 * H, dtype), np.zeros(H, dtype)
    for start, end in bptt.blocks(T, B, 3 * H):
        dz, dq = scratch[: end - start], scratch_q[: end - start]
        h_prev = bptt.previous(hidden, h0, start, end)
        blk = a[start:end]
        rb, zb, nb = blk[:, :, :H], blk[:, :, H : 2 * H], blk[:, :, 2 * H :]
        d_r, d_z, d_n = dz[:, :, :H], dz[:, :, H : 2 * H], dz[:, :, 2 * H :]
        # the factors known from the forward pass: q r(1 − r), (h_{t−1} − n) z(1 − z), (1 − z)(1 − n²)
        np.subtract(1.0, rb, out=d_r)
        d_r *= rb
        d_r *= q[start:end]
        np.subtract(h_prev, nb, out=d_n)
        np.subtract(1.0, zb, out=d_z)
        d_z *= zb
        d_z *= d_n
        np.multiply(nb, nb, out=d_n)
        np.subtract(1.0, d_n, out=d_n)
        d_n *= 1.0 - zb
        for t in range(end - 1, start - 1, -1):
            dh_t = np.add(dh[t], carry, out=grad_hidden[t])
            dz_t = dz[t - start]
            zn = dz_t.reshape(B, 3, H)[:, 1:]  # (B, 2, H) view: δz_z, δz_n
            zn *= dh_t[:, None, :]
            dz_t[:, :H] *= dz_t[:, 2 * H :]  # δz_r = δz_n ⊙ q r(1 − r)
            dq_t = np.multiply(dz_t[:, 2 * H :], r[t], out=dq[t - start])  # δq = δz_n ⊙ r_t
            if bptt.cut(t, truncate):
                carry.fill(0.0)  # h_{t−1} is a constant here: nothing flows into the previous chunk
            else:
                np.multiply(dh_t, z[t], out=carry)
                carry += np.matmul(dz_t[:, : 2 * H], W_rz_h, out=rec)
                carry += np.matmul(dq_t, W_nh, out=rec)
        rows = dz.reshape(-1, 3 * H)
        dq_rows = dq.reshape(-1, H)
        h_rows = h_prev.reshape(-1, H)
        dW_rz_h += rows[:, : 2 * H].T @ h_rows
        dW_nh += dq_rows.T @ h_rows
        dW_x += rows.T @ x[start:end].reshape(-1, D)
        db += rows.sum(axis=0)
        db_hn += dq_rows.sum(axis=0)

    grads = {
        "W_z": np.concatenate([dW_rz_h[H:], dW_x[H : 2 * H]], axis=1),
        "W_r": np.concatenate([dW_rz_h[:H], dW_x[:H]], axis=1),
        "W_n": np.concatenate([dW_nh, dW_x[2 * H :]], axis=1),
        "b_z": db[H : 2 * H],
        "b_r": db[:H],
        "b_n": db[2 * H :],
        "b_hn": db_hn,
    }
    return grads, grad_hidden
