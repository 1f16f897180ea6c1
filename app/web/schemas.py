"""Request schemas: every parameter the API takes, with its default, bounds, description and an example.

These classes are the single source of the API's parameters: FastAPI validates requests against them, the
OpenAPI schema is generated from them, and GET /api/meta hands their defaults and bounds to the page, which
builds its controls from that. Unknown fields are rejected (extra="forbid") and NaN/inf are refused.

- TraceConfig: one forward and backward pass of the chosen cells on one batch of a task.
- TrainConfig: training the chosen cells side by side on the same data stream.
- GradcheckConfig: a TraceConfig plus how many parameter entries the gradient check compares.

A trace of the text task may name its own `sentence`, which replaces the batch and sets T.

Task parameters (T, V, S, delay, period, noise, L) are flat fields so that a configuration is a plain URL
query; null means the chosen task's default, and a parameter the chosen task does not have is ignored
(`canonical` drops it, so it does not split the cache). Each task checks its own narrower
bounds (copy allows V ≤ 16), and a value outside them is a 422 naming the field.
"""

import re
import types
import unicodedata
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.core.tasks import TASKS, text
from app.web.infrastructure.errors import ConfigError

Kind = Literal["rnn", "lstm", "gru"]
TaskName = Literal[tuple(TASKS)]  # type: ignore[valid-type]  # the registry is the list of tasks
TASK_PARAMS = ("T", "V", "S", "delay", "period", "noise", "L")
SENTENCE_MAX = 501  # characters of a sentence: T ≤ 500 steps, as the T field allows

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=False)
# A JSON body is typed: a number is a number and true is true ("50", 0, true for T are refused). Query
# values are all text, so there only the spelling is checked (see _query_text).
_JSON_STRICT = ConfigDict(**_STRICT, strict=True)
_QUERY_SPELLING = {
    int: (re.compile(r"[0-9]+"), "a whole number written with digits only"),
    float: (re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"), "a number such as 0.5 or 1e-3"),
    bool: (re.compile(r"true|false"), "true or false"),
}


def _scalar(annotation: Any) -> type | None:
    """int, float or bool for a field annotated as one of them (or its Optional), else None."""
    if get_origin(annotation) in (Union, types.UnionType):
        concrete = [a for a in get_args(annotation) if a is not type(None)]
        annotation = concrete[0] if len(concrete) == 1 else None
    return annotation if annotation in _QUERY_SPELLING else None


def _cells_field(default: list[str]):
    return Field(
        default,
        min_length=1,
        max_length=3,
        description="Cell kinds to compare, each once, in the order the response lists them.",
        examples=[["rnn", "lstm"]],
    )


class ModelConfig(BaseModel):
    """The fields a trace and a training run share: data, network and initialisation."""

    model_config = _STRICT

    cells: list[Kind] = _cells_field(["rnn", "lstm"])
    task: TaskName = Field(  # type: ignore[valid-type]
        "adding",
        description="Synthetic task that supplies inputs, targets, output layer, loss and loss steps.",
        examples=["adding"],
    )
    # Task parameters (null = the task's default; ignored when the task has no such parameter).
    T: int | None = Field(None, ge=2, le=500, description="Sequence length T (steps).", examples=[50])
    V: int | None = Field(
        None, ge=2, le=32, description="Number of distinct symbols (recall_first, copy).", examples=[4]
    )
    S: int | None = Field(None, ge=1, le=20, description="Number of symbols to copy (copy).", examples=[3])
    delay: int | None = Field(
        None, ge=1, le=500, description="Blank steps before the recall cue (copy).", examples=[20]
    )
    period: float | None = Field(
        None, ge=2, le=200, description="Steps per full sine wave (sine).", examples=[20.0]
    )
    noise: float | None = Field(
        None, ge=0, le=2, description="Standard deviation of the input noise (sine, latch).", examples=[0.05]
    )
    L: int | None = Field(
        None, ge=1, le=100, description="Steps that show the class, at most T (latch).", examples=[3]
    )

    H: int = Field(32, ge=1, le=256, description="Hidden units H of every cell.", examples=[32])
    seed: int = Field(
        0,
        ge=0,
        le=2**31 - 1,
        description="Seed of the data and the initial weights; same seed, same numbers.",
        examples=[0],
    )
    activation: Literal["tanh", "relu"] = Field(
        "tanh", description="RNN activation: h_t = tanh(a_t) or max(0, a_t).", examples=["tanh"]
    )
    recurrent_init: Literal["random", "orthogonal", "identity"] = Field(
        "random",
        description="RNN W_hh before scaling: Gaussian N(0, 1/H), random orthogonal, or the identity (IRNN).",
        examples=["random"],
    )
    spectral_radius: float | None = Field(
        1.0,
        ge=0,
        le=20,
        description="RNN W_hh is scaled to exactly this spectral radius; null keeps the initial scale.",
        examples=[1.0],
    )
    input_scale: float = Field(
        1.0, ge=0, le=10, description="Scale of the input weights (W_xh, x columns).", examples=[1.0]
    )
    output_scale: float = Field(
        1.0, ge=0, le=10, description="Scale of the output weights W_hy.", examples=[1.0]
    )
    forget_bias: float = Field(
        1.0, ge=-10, le=10, description="LSTM forget-gate bias b_f; 1 keeps c_t at the start.", examples=[1.0]
    )
    update_bias: float = Field(
        2.0,
        ge=-10,
        le=10,
        description="GRU update-gate bias b_z; z_t keeps h_{t−1}, so 2 keeps about 0.88 of it per step at the start.",
        examples=[2.0],
    )
    truncate: int | None = Field(
        None,
        ge=1,
        le=500,
        description="Truncated BPTT: no gradient flows back across every k-th step; null = full BPTT.",
        examples=[10],
    )
    output: Literal["linear", "softmax"] | None = Field(
        None,
        description="Output layer ŷ_t = W_hy h_t + b_y or its softmax; null = the task's.",
        examples=[None],
    )
    loss: Literal["mse", "ce"] | None = Field(
        None,
        description="Loss per step: mean squared error or cross-entropy (needs softmax); null = the task's.",
        examples=[None],
    )
    loss_on: Literal["all", "last"] | None = Field(
        None,
        description="Steps that carry loss: every step or only the last; null = the task's.",
        examples=[None],
    )

    weights: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="Run a network uploaded by POST /api/weights, named by the hash that call returned (a trace "
        "shows it, training fine-tunes it): its kind and H replace `cells` and `H`, and the task must give it as "
        "many inputs as it takes. The server keeps uploads in memory for a limited time only (404/410 once "
        "gone); null = the app's own networks.",
        examples=[None],
    )

    @field_validator("*", mode="before")
    @classmethod
    def _query_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Text for a number or a flag (how query parameters arrive) must be spelled plainly: T=1_0,
        T=+50 and include_weights=yes are refused rather than read as 10, 50 and true."""
        if not isinstance(value, str):
            return value
        kind = _scalar(cls.model_fields[info.field_name].annotation)
        if kind is None:
            return value
        pattern, words = _QUERY_SPELLING[kind]
        if not pattern.fullmatch(value):
            raise ValueError(f"{info.field_name} must be {words} (got {value[:40]!r})")
        return value

    @field_validator("cells")
    @classmethod
    def _distinct_cells(cls, cells: list[str]) -> list[str]:
        if len(set(cells)) != len(cells):
            raise ValueError(f"cells must name each kind at most once (got {', '.join(cells)})")
        return cells

    def task_params(self) -> dict:
        """The chosen task's full parameters: given values, its defaults for the rest, others dropped.

        The task checks its own bounds (narrower than the fields' for some tasks); a value outside them
        becomes a 422 that names the field.
        """
        task = TASKS[self.task]
        names = {p.name for p in task.params}
        given = {name: getattr(self, name) for name in TASK_PARAMS if name in names}
        try:
            return task.resolve(**{name: value for name, value in given.items() if value is not None})
        except ValueError as exc:
            message = str(exc)
            field = message.split(" ", 1)[0]
            raise ConfigError(field if field in TASK_PARAMS else "task", message) from None

    def canonical(self) -> dict:
        """The configuration with the task's parameters resolved: what identifies a run in the cache."""
        data = self.model_dump(mode="json")
        for name in TASK_PARAMS:
            data[name] = None
        data.update(self.task_params())
        return data

    def readout(self) -> tuple[str, str, str]:
        """(output, loss, loss_on), the task's where the configuration leaves them null; 422 naming `loss`
        for a pairing that cannot be computed."""
        task = TASKS[self.task]
        output, loss = self.output or task.output, self.loss or task.loss
        if loss == "ce" and output != "softmax":
            raise ConfigError(
                "loss", "loss ce (cross-entropy) needs output softmax; choose output softmax or loss mse"
            )
        if loss == "ce" and task.loss != "ce":
            raise ConfigError("loss", f"task {task.name} has real-valued targets, so its loss must be mse")
        return output, loss, self.loss_on or task.loss_on

    def init_options(self) -> dict:
        """Keyword options of build_model (each kind ignores the ones that are not its own)."""
        return {
            "activation": self.activation,
            "recurrent_init": self.recurrent_init,
            "spectral_radius": self.spectral_radius,
            "input_scale": self.input_scale,
            "output_scale": self.output_scale,
            "forget_bias": self.forget_bias,
            "update_bias": self.update_bias,
        }


class TraceConfig(ModelConfig):
    """One forward and backward pass of each chosen cell on the same batch, with everything recorded."""

    batch: int = Field(8, ge=1, le=64, description="Examples B in the batch.", examples=[8])
    example: int = Field(
        0,
        ge=0,
        le=63,
        description="Which example (< batch) the heatmaps, Jacobian and connectivity show.",
        examples=[0],
    )
    max_units: int = Field(
        32,
        ge=1,
        le=64,
        description="Heatmaps show at most this many hidden units, evenly spaced.",
        examples=[32],
    )
    include_weights: bool = Field(
        False, description="Also send each cell's parameters (sliced to the units shown).", examples=[False]
    )
    trained_steps: int = Field(
        0,
        ge=0,
        le=3000,
        description="Trace the networks after this many training updates (the training defaults, same seed "
        "and batches as POST /api/train); 0 = as initialised.",
        examples=[0],
    )

    sentence: str | None = Field(
        None,
        min_length=3,
        max_length=SENTENCE_MAX,
        description="Text task only: your own sentence (Korean or English) instead of random windows of the "
        "text; every example of the batch is this sentence, T = its length − 1 (next-character prediction), "
        "and a given T is ignored. Characters outside the model's vocabulary are refused, named in the "
        "message; null = random windows.",
        examples=["RNN은 기울기가 소실된다"],
    )

    input: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="Your own input sequence (and targets) for the uploaded network named in `weights`, by the "
        "hash POST /api/input returned: T × D, T ≤ 500, D the network's; traced as one example scored by MSE "
        "(against zeros without targets). The server keeps it in memory for a limited time only (404/410 once "
        "gone); null = the task's batch.",
        examples=[None],
    )

    @field_validator("sentence")
    @classmethod
    def _composed(cls, sentence: str | None) -> str | None:
        """Hangul pasted as separate jamo (NFD, as some systems store it) is the same sentence as typed."""
        return None if sentence is None else unicodedata.normalize("NFC", sentence)

    def task_params(self) -> dict:
        """As ModelConfig's, with the text task's T taken from the sentence when one is given: 422 naming
        `sentence` for a character outside the vocabulary or a sentence too short to predict anything."""
        if self.sentence is None or self.task != "text":
            return super().task_params()
        try:
            n = len(text.encode(self.sentence))
        except text.UnknownCharacters as exc:
            shown = " ".join(repr(ch) for ch in exc.characters)
            raise ConfigError("sentence", str(exc), "unknown_characters", shown) from None
        if n < 3:
            raise ConfigError("sentence", f"sentence must have at least 3 characters (T ≥ 2), got {n}")
        return TASKS[self.task].resolve(T=n - 1)

    def canonical(self) -> dict:
        """As ModelConfig's; a sentence only counts for the text task (dropped for the others, as their
        parameters are)."""
        data = super().canonical()
        if self.task != "text":
            data["sentence"] = None
        return data

    @field_validator("example")
    @classmethod
    def _example_in_batch(cls, example: int, info: ValidationInfo) -> int:
        batch = info.data.get("batch")
        if batch is not None and example >= batch:
            raise ValueError(f"example must be less than batch ({batch}) (got {example})")
        return example


class TrainConfig(ModelConfig):
    """Training every chosen cell on the same stream of batches, with snapshots along the way."""

    batch: int = Field(32, ge=1, le=256, description="Examples per training step.", examples=[32])
    optimizer: Literal["adam", "sgd"] = Field(
        "adam", description="Adam, or SGD with momentum.", examples=["adam"]
    )
    lr: float = Field(0.02, ge=1e-5, le=1.0, description="Learning rate.", examples=[0.02])
    momentum: float = Field(
        0.9, ge=0, le=0.999, description="SGD momentum (ignored by Adam).", examples=[0.9]
    )
    clip: float | None = Field(
        1.0,
        ge=0.01,
        le=100,
        description="Clip the global gradient norm to this; null = no clipping.",
        examples=[1.0],
    )
    steps: int = Field(
        300,
        ge=1,
        le=5000,
        description="Training updates (one batch each); the run is the same on every machine.",
        examples=[300],
    )
    seconds: float | None = Field(
        None,
        ge=0.5,
        le=60,
        description="Optionally also stop after this many seconds of computing (then the result depends on "
        "the machine's speed); null = run all steps.",
        examples=[10.0],
    )
    snapshot_every: int = Field(
        10,
        ge=1,
        le=1000,
        description="Record a snapshot every this many steps (and at the last).",
        examples=[10],
    )
    test_size: int = Field(
        256,
        ge=1,
        le=1024,
        description="Held-out sequences the test loss and accuracy are measured on.",
        examples=[256],
    )
    stop_when_solved: bool = Field(
        False,
        description="A cell stops updating once its test loss is below the task's threshold.",
        examples=[False],
    )


class GradcheckConfig(TraceConfig):
    """A trace configuration plus how many parameter entries the gradient check compares."""

    samples: int = Field(
        12, ge=1, le=64, description="Parameter entries checked per cell, drawn with the seed.", examples=[12]
    )
    epsilon: float = Field(
        1e-5,
        ge=1e-8,
        le=1e-2,
        description="Ignored: the check uses the complex step, which has no step size to tune; accepted "
        "so that older links keep working.",
        examples=[1e-5],
    )


class TraceBody(TraceConfig):
    """TraceConfig as a JSON body: strictly typed."""

    model_config = _JSON_STRICT


class TrainBody(TrainConfig):
    """TrainConfig as a JSON body: strictly typed."""

    model_config = _JSON_STRICT


class GradcheckBody(GradcheckConfig):
    """GradcheckConfig as a JSON body: strictly typed."""

    model_config = _JSON_STRICT


def parameters(model: type[BaseModel]) -> dict[str, dict]:
    """Every field's type, default, bounds, choices, description and examples, from the schema itself."""
    schema = model.model_json_schema()
    out = {}
    for name, prop in schema["properties"].items():
        nullable = False
        options = prop.get("anyOf")
        if options:
            nullable = any(o.get("type") == "null" for o in options)
            concrete = [o for o in options if o.get("type") != "null"]
            prop = {**concrete[0], **{k: v for k, v in prop.items() if k != "anyOf"}} if concrete else prop
        entry = {
            "type": prop.get("type"),
            "default": prop.get("default"),
            "nullable": nullable,
            "description": prop.get("description", ""),
            "examples": prop.get("examples", []),
        }
        for key in (
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minItems",
            "maxItems",
            "minLength",
            "maxLength",
        ):
            if key in prop:
                entry[key] = prop[key]
        if "enum" in prop:
            entry["enum"] = prop["enum"]
        if "const" in prop:
            entry["enum"] = [prop["const"]]
        if "items" in prop:
            entry["items"] = {k: v for k, v in prop["items"].items() if k in ("type", "enum")}
        out[name] = entry
    return out
