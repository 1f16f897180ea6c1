"""The Trace: everything one run of a model computed, as the page and the analyses read it.

Shapes use the letters defined in app.core (T steps, B examples, D inputs, H hidden units, K outputs).
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Trace:
    loss: float  # L = (1/B) Σ_b Σ_{t∈S} ℓ_{b,t}
    step_loss: np.ndarray  # (T,) Σ_b ℓ_{b,t} / B, zero at steps outside S
    outputs: np.ndarray  # (T, B, K) ŷ_t
    hidden: np.ndarray  # (T, B, H) h_t
    x: np.ndarray  # (T, B, D) the inputs, kept for the analyses
    grads: dict[str, np.ndarray] | None = None  # dL/dθ, same keys and shapes as params
    grad_hidden: np.ndarray | None = None  # (T, B, H) total dL/dh_t that the backward pass reaches
    cell: np.ndarray | None = None  # (T, B, H) c_t, LSTM only
    grad_cell: np.ndarray | None = None  # (T, B, H) total dL/dc_t, LSTM only
    gates: dict[str, np.ndarray] = field(default_factory=dict)  # (T, B, H) each: LSTM f,i,g,o; GRU z,r,n
    truncate: int | None = None  # k of truncated BPTT, None for full BPTT
    finite: bool = True  # every number above is finite
    first_nonfinite_step: int | None = None  # 0-based step where a non-finite value first appeared
