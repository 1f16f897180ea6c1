"""Information latching (Bengio, Simard & Frasconi 1994): keep one bit through noise.

Each sequence belongs to class 0 or 1, shown only on the first L steps (input −1 for class 0, +1 for class 1,
plus noise); the remaining T − L steps are pure Gaussian noise. At the last step the network must name the
class (softmax over 2, cross-entropy at the last step). One input; small enough for a one-neuron network,
which solves it by latching: a self-weight above 1 gives tanh two stable states, and the key pushes the
neuron into one of them. The paper's point is that the gradient which would teach that latch vanishes over
the noisy steps.

Baseline: without the class the best answer is 50/50, cross-entropy log 2; chance accuracy 1/2.

It separates the cells with one hidden unit (the one-neuron-latch preset). With many units a random tanh RNN
whose W_hh has a spectral radius above 1 already has stable states to fall into, and latches without having
to learn to: at H = 16 it can solve the task while an LSTM is still at chance.
"""

import math

import numpy as np

from app.core.tasks.base import Param, Task, argmax_accuracy


class Latch(Task):
    name = "latch"
    title = "Information latching"
    description = (
        "A class shown on the first L steps (±1), then T − L steps of noise; at the last step the network "
        "must name the class."
    )
    output = "softmax"
    loss = "ce"
    loss_on = "last"
    params = (
        Param("T", 20, 2, 1000, "sequence length"),
        Param("L", 3, 1, 100, "number of first steps that show the class (at most T)"),
        Param("noise", 0.2, 0.0, 2.0, "standard deviation of the Gaussian noise on every step"),
    )
    baseline_meaning = "answering 50/50: cross-entropy log 2"
    accuracy_meaning = "share of test sequences whose class is named correctly"

    def resolve(self, **given) -> dict:
        p = super().resolve(**given)
        if p["L"] > p["T"]:
            raise ValueError(f"L must be at most T ({p['T']}), got {p['L']}")
        return p

    def input_size(self, **params) -> int:
        return 1

    def output_size(self, **params) -> int:
        return 2

    def baseline(self, **params) -> float:
        return math.log(2.0)

    def chance_accuracy(self, **params) -> float:
        return 0.5

    def threshold(self, **params) -> float:
        return 0.05

    def sample(self, rng, batch, **params):
        p = self.resolve(**params)
        T, L = p["T"], p["L"]
        labels = rng.integers(0, 2, size=batch)  # (B,)
        x = p["noise"] * rng.standard_normal((T, batch, 1))  # (T, B, 1)
        x[:L, :, 0] += 2.0 * labels - 1.0
        y = np.zeros((T, batch), dtype=np.int64)
        y[-1] = labels
        return x, y

    def accuracy(self, outputs, y, **params):
        return argmax_accuracy(outputs, y, -1)


TASK = Latch()
