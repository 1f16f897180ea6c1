"""Copy memory (Hochreiter & Schmidhuber 1997; the form of Arjovsky, Shah & Bengio 2016).

The input is S random symbols (out of V), then `delay` blank steps, then a cue, then S − 1 more blanks;
from the cue on, the network must output the S symbols in order, and "blank" on every step before.
T = 2S + delay. Inputs are one-hot over V + 2 (the symbols, blank, cue); outputs are a softmax over V + 1
(the symbols, blank); cross-entropy on every step.

Baseline: a network that learns when to speak but not what outputs blank perfectly and guesses uniformly on
the S recall steps: cross-entropy S·log V (summed over the sequence, as the loss is). Accuracy counts the
recall steps only; chance is 1/V.
"""

import math

import numpy as np

from app.core.tasks.base import Param, Task, argmax_accuracy, one_hot


class Copy(Task):
    name = "copy"
    title = "Copy memory"
    description = "S symbols, a long blank delay, then a cue: after the cue the network must repeat the S symbols in order."
    output = "softmax"
    loss = "ce"
    loss_on = "all"
    params = (
        Param("delay", 20, 1, 1000, "blank steps between the last symbol and the cue"),
        Param("S", 3, 1, 20, "number of symbols to copy"),
        Param("V", 4, 2, 16, "number of distinct symbols"),
    )
    length_param = "delay"
    baseline_meaning = "blank everywhere, uniform guesses on the S recall steps: cross-entropy S·log V"
    accuracy_meaning = "share of the symbols after the cue that are repeated correctly"

    def length(self, **params) -> int:
        p = self.resolve(**params)
        return 2 * p["S"] + p["delay"]

    def input_size(self, **params) -> int:
        return self.resolve(**params)["V"] + 2

    def output_size(self, **params) -> int:
        return self.resolve(**params)["V"] + 1

    def baseline(self, **params) -> float:
        p = self.resolve(**params)
        return p["S"] * math.log(p["V"])

    def chance_accuracy(self, **params) -> float:
        return 1.0 / self.resolve(**params)["V"]

    def threshold(self, **params) -> float:
        return 0.05 * self.resolve(**params)["S"]

    def sample(self, rng, batch, **params):
        p = self.resolve(**params)
        S, V = p["S"], p["V"]
        T = self.length(**p)
        blank, cue = V, V + 1
        symbols = rng.integers(0, V, size=(S, batch))  # (S, B)
        inputs = np.full((T, batch), blank, dtype=np.int64)
        inputs[:S] = symbols
        inputs[S + p["delay"]] = cue
        x = one_hot(inputs, V + 2)  # (T, B, V+2)
        y = np.full((T, batch), blank, dtype=np.int64)  # label V is "blank" in the output softmax
        y[T - S :] = symbols
        return x, y

    def accuracy(self, outputs, y, **params):
        S = self.resolve(**params)["S"]
        return argmax_accuracy(outputs, y, slice(outputs.shape[0] - S, None))


TASK = Copy()
