"""Synthetic tasks, generated in memory from a seeded generator (nothing is downloaded).

    from app.core.tasks import get_task
    task = get_task("adding")
    x, y = task.sample(np.random.default_rng(0), 32, T=100)  # x (T, B, D), y (T, B, K) or (T, B) labels
    task.describe(T=100)  # sizes, output, loss, loss_on, baseline, chance accuracy, solved threshold, parameters

| name         | dependency to learn                                 | output  | loss | loss on |
|--------------|-----------------------------------------------------|---------|------|---------|
| adding       | sum of two marked numbers, the first in the 1st half | linear  | mse  | last    |
| recall_first | the first of T symbols                              | softmax | ce   | last    |
| copy         | S symbols, repeated after a long delay              | softmax | ce   | all     |
| sine         | next value of a noisy sine wave                     | linear  | mse  | all     |
| text         | next character of a Korean and English text          | softmax | ce   | all     |
| latch        | one bit shown on the first L steps, then noise       | softmax | ce   | last    |
"""

from app.core.tasks import adding, copy, latch, recall_first, sine, text
from app.core.tasks.base import Param, Task

TASKS: dict[str, Task] = {
    module.TASK.name: module.TASK for module in (adding, recall_first, copy, sine, text, latch)
}


def get_task(name: str) -> Task:
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; known: {', '.join(TASKS)}") from None


__all__ = ["TASKS", "Param", "Task", "get_task"]
