"""The adding problem (Hochreiter & Schmidhuber 1997, as in Le et al. 2015 and Arjovsky et al. 2016).

Each step's input is (value, marker): value ~ U[0, 1]; marker = 1 on exactly two steps, one in each half of
the sequence, 0 elsewhere. The target, read at the last step only, is the sum of the two marked values.

Baseline: a network that cannot carry the marked values to the end does best by always answering their
mean, 1; its mean squared error is the variance of a sum of two U[0, 1], 2/12 = 1/6 ≈ 0.167.
Accuracy: the share of sequences answered within 0.04 of the target, Hochreiter and Schmidhuber's criterion;
constant 1 gets P(|u₁ + u₂ − 1| < 0.04) = 1 − 0.96² = 0.0784 of them right.
"""

import numpy as np

from app.core.tasks.base import Param, Task

TOLERANCE = 0.04


class Adding(Task):
    name = "adding"
    title = "Adding problem"
    description = (
        "Two of T random numbers are marked, one in each half; at the last step the network must output "
        "their sum. The first mark can be T−1 steps back."
    )
    output = "linear"
    loss = "mse"
    loss_on = "last"
    params = (Param("T", 50, 2, 1000, "sequence length; the first marked number is in the first half"),)
    baseline_meaning = "always answering 1, the mean of the sum: mean squared error 1/6"
    accuracy_meaning = f"share of test sequences whose answer is within {TOLERANCE} of the target"

    def input_size(self, **params) -> int:
        return 2

    def output_size(self, **params) -> int:
        return 1

    def baseline(self, **params) -> float:
        return 1.0 / 6.0

    def chance_accuracy(self, **params) -> float:
        return 1.0 - (1.0 - TOLERANCE) ** 2

    def threshold(self, **params) -> float:
        return 0.01

    def sample(self, rng, batch, **params):
        T = self.resolve(**params)["T"]
        half = T // 2
        values = rng.random((T, batch))  # (T, B)
        first = rng.integers(0, half, size=batch)  # (B,)
        second = rng.integers(half, T, size=batch)  # (B,)
        markers = np.zeros((T, batch))
        columns = np.arange(batch)
        markers[first, columns] = 1.0
        markers[second, columns] = 1.0
        x = np.stack([values, markers], axis=-1)  # (T, B, 2)
        y = np.zeros((T, batch, 1))
        y[-1, :, 0] = values[first, columns] + values[second, columns]
        return x, y

    def accuracy(self, outputs, y, **params):
        return float(np.mean(np.abs(outputs[-1, :, 0] - y[-1, :, 0]) < TOLERANCE))


TASK = Adding()
