"""Recall the first symbol: the plainest long-range dependency.

The input is T random symbols, one-hot over V; at the last step the network must name the first one
(softmax over V, cross-entropy at the last step only). Every later symbol is a distraction, so the answer
needs information that travelled T−1 steps.

Baseline: without the first symbol the best answer is uniform over V, cross-entropy log V; chance accuracy 1/V.
"""

import math

import numpy as np

from app.core.tasks.base import Param, Task, argmax_accuracy, one_hot


class RecallFirst(Task):
    name = "recall_first"
    title = "Recall the first symbol"
    description = "A sequence of T random symbols; at the last step the network must name the first one."
    output = "softmax"
    loss = "ce"
    loss_on = "last"
    params = (
        Param("T", 30, 2, 1000, "sequence length; the symbol to recall is T−1 steps back"),
        Param("V", 4, 2, 32, "number of distinct symbols"),
    )
    baseline_meaning = "guessing uniformly among the V symbols: cross-entropy log V"
    accuracy_meaning = "share of test sequences whose first symbol is named correctly"

    def input_size(self, **params) -> int:
        return self.resolve(**params)["V"]

    def output_size(self, **params) -> int:
        return self.resolve(**params)["V"]

    def baseline(self, **params) -> float:
        return math.log(self.resolve(**params)["V"])

    def chance_accuracy(self, **params) -> float:
        return 1.0 / self.resolve(**params)["V"]

    def threshold(self, **params) -> float:
        return 0.05

    def sample(self, rng, batch, **params):
        p = self.resolve(**params)
        symbols = rng.integers(0, p["V"], size=(p["T"], batch))  # (T, B)
        x = one_hot(symbols, p["V"])  # (T, B, V)
        y = np.zeros((p["T"], batch), dtype=np.int64)
        y[-1] = symbols[0]
        return x, y

    def accuracy(self, outputs, y, **params):
        return argmax_accuracy(outputs, y, -1)


TASK = RecallFirst()
