"""Networks after a fixed number of training updates, for traces of what a network has learned.

A trace with `trained_steps = N` shows the networks that `POST /api/train` with the same model fields, its
default optimiser settings and `steps = N` ends with: same seed, same batches, same numbers on every
machine, however busy (a count of updates, never a time limit). The lesson's gate scenes use it, since an
untrained LSTM's gates are texture.

Training is the expensive part and many traces share one trained network (another example, other heatmap
units, the gradient check), so the trained parameters are kept per model configuration, a few at a time,
and a training in progress is shared too: the first request that needs it runs it, later ones wait for it.
Callers get copies: the gradient check perturbs parameters in place.

A caller passes `should_stop` (a server's request: true once its client has left). A waiting caller told
to stop stops waiting at once; the training itself stops (within one update) only when every caller
waiting for it has been told to stop, so one student leaving never stops what another is waiting for.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from app.core.train import Stopped, fit
from app.web.infrastructure.cache import canonical_key
from app.web.payloads.train_run import check_train_budget, core_config
from app.web.schemas import TraceConfig, TrainConfig

KEEP = 8  # trained configurations kept; each is a few hundred kB at the largest sizes the budget allows

POLL = 0.05  # seconds between a waiting caller's checks of its own should_stop

Params = dict[str, dict[str, np.ndarray]]

_kept: OrderedDict[str, Params] = OrderedDict()
_running: dict[str, "_Training"] = {}
_lock = threading.Lock()  # guards _kept, _running and every _Training's waiting list


class _Training:
    """A training in progress, and the should_stop of every caller waiting for it."""

    def __init__(self) -> None:
        self.waiting: list[Callable[[], bool]] = []
        self.done = threading.Event()
        self.params: Params | None = None
        self.error: BaseException | None = None


def _never() -> bool:
    return False


def training_config(config: TraceConfig) -> TrainConfig:
    """The training run whose end a trace with trained_steps shows: the trace's model fields, the training
    defaults for the rest."""
    fields = {
        name: getattr(config, name) for name in TrainConfig.model_fields if name in type(config).model_fields
    }
    fields.pop("batch", None)  # the trace's batch is what it shows; training uses its own default
    if getattr(config, "sentence", None) is not None:
        fields["T"] = None  # the sentence sets the traced T; training reads the text's default windows
    return TrainConfig(**fields, steps=config.trained_steps)


def check_trained_budget(config: TraceConfig, budget: float) -> None:
    """422 when the training a trace with trained_steps needs would not be allowed as a training run of its
    own (the same memory and work limits as POST /api/train); nothing to check when trained_steps is 0."""
    if config.trained_steps:
        check_train_budget(training_config(config), budget)


def trained_params(config: TraceConfig, should_stop: Callable[[], bool] | None = None) -> Params:
    """{kind: parameters} after config.trained_steps updates; copies, so callers may change them. Raises
    Stopped when should_stop() turns true first."""
    train = training_config(config)
    key = canonical_key("trained", train.canonical())
    wants_to_stop = should_stop or _never
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return _copies(found)
        run = _running.get(key)
        first = run is None
        if first:
            run = _running[key] = _Training()
        run.waiting.append(wants_to_stop)
    try:
        if first:
            _train(key, train, run)
        else:
            while not run.done.wait(POLL):
                if wants_to_stop():
                    raise Stopped("left while waiting for a training")
        if run.error is not None:
            raise run.error
        if wants_to_stop():
            raise Stopped("left during a training that others still wait for")
        return _copies(run.params)
    finally:
        with _lock:
            run.waiting.remove(wants_to_stop)


def _train(key: str, train: TrainConfig, run: _Training) -> None:
    """Run the training in this thread and keep its result; it stops when every waiter wants to stop."""

    def abandoned() -> bool:
        with _lock:
            if not all(wants() for wants in run.waiting):
                return False
            if _running.get(key) is run:
                del _running[key]  # a request arriving now starts afresh rather than join a stopped run
            return True

    try:
        models = fit(core_config(train), should_stop=abandoned)
        run.params = {kind: model.params for kind, model in models.items()}
        with _lock:
            _kept[key] = run.params
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    except BaseException as error:
        run.error = error
    finally:
        with _lock:
            if _running.get(key) is run:
                del _running[key]
        run.done.set()


def _copies(params: Params) -> Params:
    return {kind: {name: p.copy() for name, p in cell.items()} for kind, cell in params.items()}
