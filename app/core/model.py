"""A model ties one cell (rnn.py, lstm.py or gru.py), the readout and a loss together; run() returns the
Trace of one forward and backward pass.

Truncated BPTT (truncate=k): the sequence is cut into chunks [0, k), [k, 2k), …; the state flows forward
across chunks unchanged, but the backward pass treats the state entering each chunk but the first as a
constant, so no gradient flows from a chunk into the one before it. Steps that no loss reaches get a zero
gradient. Numbers that overflow never raise: they are flagged in trace.finite / first_nonfinite_step.
"""

import numpy as np

from app.core import gru, lstm, readout, rnn
from app.core.init import KINDS, gru_form_of, init_params, param_names
from app.core.trace import Trace

CELLS = {"rnn": rnn, "lstm": lstm, "gru": gru}
DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


class Model:
    def __init__(
        self,
        kind: str,
        params: dict[str, np.ndarray],
        output: str = "linear",
        activation: str = "tanh",
    ):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if output not in readout.OUTPUTS:
            raise ValueError(f"output must be one of {readout.OUTPUTS}, not {output!r}")
        if kind == "rnn" and activation not in rnn.ACTIVATIONS:
            raise ValueError(f"activation must be one of {rnn.ACTIVATIONS}, not {activation!r}")
        # a GRU's parameter set carries its form: b_hn makes it PyTorch's (see gru.py)
        self.gru_form = gru_form_of(params) if kind == "gru" else None
        self.names = param_names(kind, self.gru_form or "cho")
        if set(params) != set(self.names):
            raise ValueError(f"a {kind} needs exactly the parameters {self.names}")
        self.kind = kind
        self.params = params
        self.output = output
        self.activation = activation if kind == "rnn" else None
        self.output_size, self.hidden_size = params["W_hy"].shape
        first = params["W_xh"] if kind == "rnn" else params["W_z" if kind == "gru" else "W_f"]
        self.input_size = first.shape[1] - (0 if kind == "rnn" else self.hidden_size)
        self.dtype = params["W_hy"].dtype

    def __repr__(self) -> str:
        return (
            f"Model({self.kind!r}, D={self.input_size}, H={self.hidden_size}, K={self.output_size}, "
            f"output={self.output!r}, dtype={self.dtype.name}"
            + (f", gru_form={self.gru_form!r})" if self.gru_form == "torch" else ")")
        )

    def run(
        self,
        x: np.ndarray,
        y: np.ndarray,
        loss: str = "mse",
        loss_on: str = "all",
        truncate: int | None = None,
        backward: bool = True,
    ) -> Trace:
        """Forward over x (T, B, D), the loss against y ((T, B, K) floats for mse, (T, B) labels for ce)
        and, unless backward=False, backprop through time. Returns the Trace."""
        x, y = self._check(x, y, loss, loss_on, truncate)
        cell = CELLS[self.kind]
        kw = {"activation": self.activation} if self.kind == "rnn" else {}
        grads = grad_hidden = grad_cell = None
        with np.errstate(all="ignore"):  # an exploding run is something to show, not an error
            cache = cell.forward(self.params, x, **kw)
            head = readout.forward(self.params, cache["hidden"], self.output)
            value, step_loss, d_logits = readout.loss(head, y, loss, loss_on)
            if backward:
                out_grads, dh = readout.backward(self.params, head, d_logits)
                cell_grads, grad_hidden, *rest = cell.backward(self.params, cache, dh, truncate, out=dh)
                grad_cell = rest[0] if rest else None
                both = {**cell_grads, **out_grads}
                grads = {name: both[name] for name in self.names}
            finite, first = _first_nonfinite(
                [cache["hidden"], cache.get("cell"), head["outputs"], step_loss],
                [grad_hidden, grad_cell],
                grads,
            )
        return Trace(
            loss=value,
            step_loss=step_loss,
            outputs=head["outputs"],
            hidden=cache["hidden"],
            x=x,
            grads=grads,
            grad_hidden=grad_hidden,
            cell=cache.get("cell"),
            grad_cell=grad_cell,
            gates=cache.get("gates", {}),
            truncate=truncate,
            finite=finite,
            first_nonfinite_step=first,
        )

    def _check(self, x, y, loss, loss_on, truncate) -> tuple[np.ndarray, np.ndarray]:
        x = np.ascontiguousarray(x, dtype=self.dtype)
        if x.ndim != 3 or x.shape[2] != self.input_size or x.shape[0] < 1 or x.shape[1] < 1:
            raise ValueError(f"x must be (T, B, D={self.input_size}) with T, B >= 1, not {x.shape}")
        T, B, _ = x.shape
        if loss not in readout.LOSSES:
            raise ValueError(f"loss must be one of {readout.LOSSES}, not {loss!r}")
        if loss_on not in readout.LOSS_ON:
            raise ValueError(f"loss_on must be one of {readout.LOSS_ON}, not {loss_on!r}")
        if truncate is not None and (isinstance(truncate, bool) or int(truncate) != truncate or truncate < 1):
            raise ValueError(f"truncate must be None or an integer >= 1, not {truncate!r}")
        if loss == "mse":
            y = np.asarray(y, dtype=self.dtype)
            if y.shape != (T, B, self.output_size):
                raise ValueError(f"for mse, y must be (T, B, K) = {(T, B, self.output_size)}, not {y.shape}")
        else:
            if self.output != "softmax":
                raise ValueError('loss="ce" needs output="softmax"')
            y = np.asarray(y)
            if y.shape != (T, B) or not np.issubdtype(y.dtype, np.integer):
                raise ValueError(
                    f"for ce, y must be integer labels of shape (T, B) = {(T, B)}, not {y.shape}"
                )
            if y.size and (y.min() < 0 or y.max() >= self.output_size):
                raise ValueError(f"labels must lie in [0, {self.output_size})")
        return x, y


def _all_finite(a: np.ndarray) -> bool:
    # a finite sum proves every entry finite in one cheap pass; only when it is not (a non-finite entry,
    # or finite entries whose sum overflows) are the entries themselves tested
    return bool(np.isfinite(a.sum())) or bool(np.isfinite(a).all())


def _first_nonfinite(forward_arrays, backward_arrays, grads) -> tuple[bool, int | None]:
    """(finite, first step). A non-finite forward value is located at the earliest step it appears; one
    that appears only backward at the latest step (the first the backward pass computes). A non-finite
    weight gradient with every per-step value finite (only its sum overflowed) has no step: None."""
    for arrays, pick in ((forward_arrays, 0), (backward_arrays, -1)):
        bad = np.zeros(len(forward_arrays[0]), dtype=bool)
        for a in arrays:
            if a is not None and not _all_finite(a):
                bad |= ~np.isfinite(a.reshape(len(a), -1)).all(axis=1)
        if bad.any():
            return False, int(np.flatnonzero(bad)[pick])
    if grads is not None and not all(_all_finite(g) for g in grads.values()):
        return False, None
    return True, None


def build_model(
    kind: str,
    input_size: int,
    hidden_size: int,
    output_size: int,
    seed: int = 0,
    output: str = "linear",
    dtype=np.float64,
    activation: str = "tanh",
    **init,
) -> Model:
    """A freshly initialised model. `init` takes the options of app.core.init.init_params
    (recurrent_init, spectral_radius, input_scale, output_scale, forget_bias, update_bias, gru_form); activation
    ("tanh" | "relu") is the RNN's; options that belong to another kind are accepted and have no effect."""
    dtype = np.dtype(dtype)
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be float64 or float32, not {dtype}")
    rng = np.random.default_rng(seed)
    params = init_params(kind, input_size, hidden_size, output_size, rng, dtype=dtype, **init)
    return Model(kind, params, output=output, activation=activation)
