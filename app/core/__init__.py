"""The NumPy core: RNN, LSTM and GRU with exact backprop through time and a recorded trace.

Shape letters, used in every docstring and shape comment of this package:
    T  time steps          B  examples in the batch
    D  input size          H  hidden size          K  output size
Arrays are time-first: x is (T, B, D), h_t stacked over time is (T, B, H). Inside a step, vectors are rows
(B, ·), so the lecture's W h_{t−1} is written h_{t−1} @ W.T in code.

    from app.core import build_model
    model = build_model("lstm", input_size=D, hidden_size=H, output_size=K, seed=0)
    trace = model.run(x, y, loss="mse", loss_on="all", truncate=None)

reference/ holds the same cells written as the lecture's equations (what the fast kernels are tested
against), and gradcheck.py checks backprop through time against their complex-step derivative.

This package imports nothing but NumPy and knows nothing of the web.
"""

from app.core.init import KINDS, param_names, sigma_max, spectral_radius
from app.core.model import Model, build_model
from app.core.trace import Trace

__all__ = ["KINDS", "Model", "Trace", "build_model", "param_names", "sigma_max", "spectral_radius"]
