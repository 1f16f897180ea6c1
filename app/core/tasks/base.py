"""What every task states about itself, as plain data, and how its parameters are checked.

A task is a generator of seeded, time-first batches plus the facts the page needs to draw reference lines:
input size D, output size K, output layer, loss, which steps carry loss, the loss of a network that has not
learned the dependency (the baseline), chance accuracy where it means something, and the test loss below
which the task counts as solved. Losses are in the core's units: summed over the steps that carry loss,
averaged over the batch (see app.core.readout), so a task with loss on every step states its baseline for
its whole length.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Param:
    """One task parameter: a default, inclusive bounds and a sentence for the control's tooltip."""

    name: str
    default: int | float
    low: int | float
    high: int | float
    description: str

    @property
    def kind(self) -> str:
        return "int" if isinstance(self.default, int) else "float"

    def check(self, value) -> int | float:
        if self.kind == "int":
            if isinstance(value, bool) or not float(value).is_integer():
                raise ValueError(f"{self.name} must be a whole number, got {value!r}")
            value = int(value)
        else:
            value = float(value)
            if not np.isfinite(value):
                raise ValueError(f"{self.name} must be a finite number, got {value!r}")
        if not self.low <= value <= self.high:
            raise ValueError(f"{self.name} must be between {self.low} and {self.high}, got {value!r}")
        return value

    def as_dict(self) -> dict:
        """JSON-schema style, as the API's other parameters."""
        return {
            "type": "integer" if self.kind == "int" else "number",
            "default": self.default,
            "minimum": self.low,
            "maximum": self.high,
            "description": self.description,
        }


class Task:
    """Base class: subclasses set the class attributes and implement the methods that raise here.

    Every method takes the task's parameters as keywords; missing ones take their defaults, unknown or
    out-of-bounds ones raise ValueError (see resolve).
    """

    name: str
    title: str
    description: str
    output: str  # "linear" | "softmax"
    loss: str  # "mse" | "ce"
    loss_on: str  # "all" | "last"
    params: tuple[Param, ...]
    length_param: str = "T"  # the parameter that sets how far back the dependency reaches
    baseline_meaning: str
    accuracy_meaning: str | None = None  # None: the task has no accuracy

    def resolve(self, **given) -> dict:
        """The full parameter dict: defaults filled in, values checked against their bounds."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ValueError(
                f"task {self.name!r} has no parameter {', '.join(unknown)}; known: {', '.join(known)}"
            )
        return {name: p.check(given.get(name, p.default)) for name, p in known.items()}

    def length(self, **params) -> int:
        """Number of time steps T of the sequences sample() returns."""
        return self.resolve(**params)["T"]

    def input_size(self, **params) -> int:
        raise NotImplementedError

    def output_size(self, **params) -> int:
        raise NotImplementedError

    def baseline(self, **params) -> float:
        raise NotImplementedError

    def chance_accuracy(self, **params) -> float | None:
        return None

    def threshold(self, **params) -> float:
        """Test loss below which the task counts as solved."""
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, batch: int, **params) -> tuple[np.ndarray, np.ndarray]:
        """x (T, B, D) float64; y (T, B, K) float64 for mse or (T, B) int64 class labels for ce."""
        raise NotImplementedError

    def accuracy(self, outputs: np.ndarray, y: np.ndarray, **params) -> float | None:
        """Share of correct answers for outputs ŷ (T, B, K) against the targets y from sample()."""
        return None

    def describe(self, **params) -> dict:
        """Everything above as plain data for the given parameters (defaults when none are given)."""
        p = self.resolve(**params)
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "input_size": self.input_size(**p),
            "output_size": self.output_size(**p),
            "length": self.length(**p),
            "output": self.output,
            "loss": self.loss,
            "loss_on": self.loss_on,
            "baseline": self.baseline(**p),
            "baseline_meaning": self.baseline_meaning,
            "threshold": self.threshold(**p),
            "threshold_meaning": "solved below this test loss",
            "chance_accuracy": self.chance_accuracy(**p),
            "accuracy_meaning": self.accuracy_meaning,
            "length_param": self.length_param,
            "params": {q.name: q.as_dict() for q in self.params},
            "values": p,
        }


def one_hot(labels: np.ndarray, size: int) -> np.ndarray:
    """(…) int labels -> (…, size) float64 one-hot vectors."""
    return np.eye(size)[labels]


def argmax_accuracy(outputs: np.ndarray, labels: np.ndarray, steps: slice | int) -> float:
    """Share of argmax predictions equal to the labels on the given steps. outputs (T, B, K), labels (T, B)."""
    return float(np.mean(np.argmax(outputs[steps], axis=-1) == labels[steps]))
