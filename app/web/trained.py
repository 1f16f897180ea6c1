"""Networks after a fixed number of training updates, for traces of what a network has learned.

A trace with `trained_steps = N` shows the networks that `POST /api/train` with the same model fields, its
default optimiser settings and `steps = N` ends with: same seed, same batches, same numbers on every
machine, however busy (a count of updates, never a time limit). The lesson's gate scenes use it, since an
untrained LSTM's gates are texture.

Training is the expensive part and many traces share one trained network (another example, other heatmap
units, the gradient check), so the trained parameters are kept per model configuration, a few at a time.
Callers get copies: the gradient check perturbs parameters in place.
"""

import threading
from collections import OrderedDict

import numpy as np

from app.core.train import fit
from app.web.cache import canonical_key
from app.web.schemas import TraceConfig, TrainConfig
from app.web.train_run import check_train_budget, core_config

KEEP = 8  # trained configurations kept; each is a few hundred kB at the largest sizes the budget allows

_kept: OrderedDict[str, dict[str, dict[str, np.ndarray]]] = OrderedDict()
_lock = threading.Lock()


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


def trained_params(config: TraceConfig) -> dict[str, dict[str, np.ndarray]]:
    """{kind: parameters} after config.trained_steps updates; copies, so callers may change them."""
    train = training_config(config)
    key = canonical_key("trained", train.canonical())
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
    if found is None:
        models = fit(core_config(train))
        found = {kind: model.params for kind, model in models.items()}
        with _lock:
            _kept[key] = found
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    return {kind: {name: p.copy() for name, p in params.items()} for kind, params in found.items()}
