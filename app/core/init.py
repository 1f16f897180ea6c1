"""Seeded parameter initialisation, and the two numbers that tell whether an RNN's gradient will vanish.

Every draw comes from the `rng` passed in (np.random.default_rng(seed)), never from global state, and the
draws are made in a fixed order whatever the options: W_xh, then the recurrent matrix, then W_hy. So
moving a slider (spectral radius, input scale, recurrent init) on the page changes only what it names;
the rest of the network stays the same numbers for the same seed.

Scales: input columns ~ input_scale · N(0, 1/D), recurrent columns ~ N(0, 1/H) (spectral radius ≈ 1 for
large H, by the circular law), W_hy ~ output_scale · N(0, 1/H); biases 0, except the LSTM forget gate
(forget_bias, default 1, after Jozefowicz et al. 2015, so that c_t is carried over at the start of
training) and the GRU update gate (update_bias, default 2).

The GRU's update gate is its forget gate: h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1} (Cho et al. 2014; PyTorch's
nn.GRU has z on the same side), so z_t near 1 keeps the state and lets its gradient through. With b_z = 0
the gate starts near σ(0) = 0.5, the state halves at every step, and an untrained GRU loses its gradient
faster than a plain RNN. A gate whose bias is b keeps about σ(b) of the state per step, a memory of about
1 / (1 − σ(b)) steps (Tallec and Ollivier 2018, "Can recurrent neural networks warp time?", which derive
their chrono initialisation from it): b_z = 2 gives 8.4 steps, as b_f = 1 gives the LSTM's cell 3.7.
"""

import numpy as np

KINDS = ("rnn", "lstm", "gru")
RECURRENT_INITS = ("random", "orthogonal", "identity")
GATES = {"lstm": ("f", "i", "g", "o"), "gru": ("z", "r", "n")}
# The GRU's two forms: Cho et al.'s (r_t ⊙ h_{t−1} inside the candidate's matmul), the default, and
# PyTorch's nn.GRU (r_t ⊙ (W_nh h_{t−1} + b_hn) after it), which has one more bias, b_hn (see gru.py).
GRU_FORMS = ("cho", "torch")


def param_names(kind: str, gru_form: str = "cho") -> tuple[str, ...]:
    """The lecture's names, in the order params, grads and the JSON list them; a GRU in PyTorch's form
    (gru_form="torch") has b_hn after b_n."""
    if gru_form not in GRU_FORMS:
        raise ValueError(f"gru_form must be one of {GRU_FORMS}, not {gru_form!r}")
    if kind == "rnn":
        cell = ("W_xh", "W_hh", "b_h")
    elif kind in GATES:
        cell = tuple(f"W_{g}" for g in GATES[kind]) + tuple(f"b_{g}" for g in GATES[kind])
        if kind == "gru" and gru_form == "torch":
            cell = (*cell, "b_hn")
    else:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return (*cell, "W_hy", "b_y")


def gru_form_of(params: dict) -> str:
    """The form a GRU's parameter set is in: "torch" when it holds PyTorch's b_hn, else "cho"."""
    return "torch" if "b_hn" in params else "cho"


def spectral_radius(W: np.ndarray) -> float:
    """max |λ| over the eigenvalues of a square W: the growth rate of W^n, hence of h_t without tanh."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(W, dtype=np.float64)))))


_radius = spectral_radius  # init_params has an argument of the same name


def sigma_max(W: np.ndarray) -> float:
    """The largest singular value ‖W‖₂: the bound on how much one step can stretch a gradient."""
    return float(np.linalg.norm(np.asarray(W, dtype=np.float64), 2))


def orthogonal(A: np.ndarray) -> np.ndarray:
    """The orthogonal factor of A's QR decomposition, signs fixed so it is uniformly (Haar) distributed."""
    q, r = np.linalg.qr(A)
    return q * np.sign(np.diag(r))


def init_params(
    kind: str,
    input_size: int,
    hidden_size: int,
    output_size: int,
    rng: np.random.Generator,
    *,
    recurrent_init: str = "random",
    spectral_radius: float | None = None,
    input_scale: float = 1.0,
    output_scale: float = 1.0,
    forget_bias: float = 1.0,
    update_bias: float = 2.0,
    gru_form: str = "cho",
    dtype=np.float64,
) -> dict[str, np.ndarray]:
    """Parameters of one network, keyed by the lecture's names (see param_names).
    gru_form="torch" gives a GRU in PyTorch's form, with b_hn = 0 and the same draws as the default form.

    recurrent_init and spectral_radius apply to the RNN's W_hh; forget_bias to the LSTM, update_bias to the
    GRU; options for another kind are accepted and have no effect, so one settings object serves all kinds.
    """
    D, H, K = input_size, hidden_size, output_size
    if min(D, H, K) < 1:
        raise ValueError("input_size, hidden_size and output_size must be at least 1")
    if recurrent_init not in RECURRENT_INITS:
        raise ValueError(f"recurrent_init must be one of {RECURRENT_INITS}, not {recurrent_init!r}")
    if spectral_radius is not None and not spectral_radius >= 0:
        raise ValueError("spectral_radius must be >= 0")
    names = param_names(kind, gru_form if kind == "gru" else "cho")
    n_blocks = 1 if kind == "rnn" else len(GATES[kind])

    W_x = input_scale * rng.standard_normal((n_blocks * H, D)) / np.sqrt(D)  # (nH, D)
    W_h = rng.standard_normal((n_blocks * H, H)) / np.sqrt(H)  # (nH, H)
    W_hy = output_scale * rng.standard_normal((K, H)) / np.sqrt(H)  # (K, H)

    params: dict[str, np.ndarray] = {}
    if kind == "rnn":
        if recurrent_init == "orthogonal":
            W_h = orthogonal(W_h)
        elif recurrent_init == "identity":
            W_h = np.eye(H)
        if spectral_radius is not None:
            rho = _radius(W_h)
            W_h = W_h * (spectral_radius / rho) if rho > 0 else np.zeros_like(W_h)
        params.update(W_xh=W_x, W_hh=W_h, b_h=np.zeros(H))
    else:
        for j, gate in enumerate(GATES[kind]):
            rows = slice(j * H, (j + 1) * H)
            params[f"W_{gate}"] = np.concatenate([W_h[rows], W_x[rows]], axis=1)  # (H, H+D), h first
        for gate in GATES[kind]:
            params[f"b_{gate}"] = np.zeros(H)
        if kind == "lstm":
            params["b_f"][:] = forget_bias
        else:
            params["b_z"][:] = update_bias
            params["b_hn"] = np.zeros(H)
    params.update(W_hy=W_hy, b_y=np.zeros(K))
    return {name: np.ascontiguousarray(params[name], dtype=dtype) for name in names}
