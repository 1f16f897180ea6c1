"""Next value of a noisy sine wave, with the lecture's per-step error: MSE at every step.

x_t = sin(2π t / period + φ) + ε_t with a random phase φ per sequence and ε_t ~ N(0, noise²); the target at
step t is the next observation x_{t+1}. One input, one linear output, loss on every step.

Baseline: always answering 0, the wave's mean, costs E[x²] = 1/2 + noise² per step, T·(1/2 + noise²) in all.
Even a perfect predictor pays noise² per step for the noise it cannot foresee, and needs a step or two to
find the phase, so the task counts as solved below T·2·noise² + 1/4 (the first steps' uncertainty): at the
defaults 0.5, four times the noise floor T·noise² (trained RNNs and LSTMs reach about 0.25).

A short-range task: the next value follows from the last two or three, so every cell learns it and it does
not separate them. It is here for the per-step error and for truncated BPTT, whose chunks it does not need
to cross.
"""

import numpy as np

from app.core.tasks.base import Param, Task


class Sine(Task):
    name = "sine"
    title = "Noisy sine wave"
    description = (
        "Predict the next value of a noisy sine wave at every step (mean squared error per step). A short-range "
        "task: every cell learns it."
    )
    output = "linear"
    loss = "mse"
    loss_on = "all"
    params = (
        Param("T", 50, 2, 1000, "sequence length"),
        Param("period", 20.0, 2.0, 200.0, "steps per full wave"),
        Param("noise", 0.05, 0.0, 1.0, "standard deviation of the Gaussian noise added to every value"),
    )
    baseline_meaning = "always answering 0, the mean: mean squared error 1/2 + noise² on every step"

    def input_size(self, **params) -> int:
        return 1

    def output_size(self, **params) -> int:
        return 1

    def baseline(self, **params) -> float:
        p = self.resolve(**params)
        return p["T"] * (0.5 + p["noise"] ** 2)

    def threshold(self, **params) -> float:
        p = self.resolve(**params)
        return p["T"] * 2.0 * p["noise"] ** 2 + 0.25

    def sample(self, rng, batch, **params):
        p = self.resolve(**params)
        T = p["T"]
        phase = rng.uniform(0.0, 2.0 * np.pi, size=batch)  # (B,)
        t = np.arange(T + 1)[:, None]  # (T+1, 1)
        wave = np.sin(2.0 * np.pi * t / p["period"] + phase) + p["noise"] * rng.standard_normal(
            (T + 1, batch)
        )
        return wave[:-1, :, None], wave[1:, :, None]  # (T, B, 1) each


TASK = Sine()
