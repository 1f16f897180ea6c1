"""Request schemas: bounds, task parameters, canonical form, and the parameter table the page reads."""

import pytest
from pydantic import ValidationError

from app.core.tasks import TASKS
from app.web.infrastructure.errors import ConfigError
from app.web.schemas import TASK_PARAMS, GradcheckConfig, ModelConfig, TraceConfig, TrainConfig, parameters


def test_defaults_are_valid_and_documented():
    for model in (TraceConfig, TrainConfig, GradcheckConfig):
        model()  # every default validates
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            assert field.examples, f"{model.__name__}.{name} has no example"


def test_unknown_fields_and_nan_are_rejected():
    with pytest.raises(ValidationError, match="extra"):
        TraceConfig(banana=1)
    with pytest.raises(ValidationError, match="finite"):
        TrainConfig(lr=float("nan"))


@pytest.mark.parametrize("task", sorted(TASKS))
def test_every_task_parameter_has_a_field_whose_range_meets_the_tasks(task):
    for param in TASKS[task].params:
        assert param.name in TASK_PARAMS and param.name in ModelConfig.model_fields
        entry = parameters(TraceConfig)[param.name]
        # the field's range overlaps the task's, so the task's default passes the schema
        assert entry["minimum"] <= param.default <= entry["maximum"]
        assert entry["nullable"] and entry["default"] is None


def test_task_enum_is_the_registry():
    assert parameters(TraceConfig)["task"]["enum"] == list(TASKS)


def test_task_params_fill_defaults_drop_foreign_and_check_narrower_bounds():
    assert TraceConfig(task="recall_first", T=12, period=3.0).task_params() == {"T": 12, "V": 4}
    with pytest.raises(ConfigError) as info:
        TraceConfig(task="latch", T=5, L=9).task_params()
    assert info.value.field == "L"


def test_parameters_table_has_bounds_choices_and_nullability():
    table = parameters(TrainConfig)
    assert table["lr"] | {"description": None, "examples": None} == {
        "type": "number",
        "default": 0.02,
        "nullable": False,
        "description": None,
        "examples": None,
        "minimum": 1e-05,
        "maximum": 1.0,
    }
    assert table["clip"]["nullable"] and table["clip"]["default"] == 1.0
    assert table["optimizer"]["enum"] == ["adam", "sgd"]
    assert table["cells"]["items"]["enum"] == ["rnn", "lstm", "gru"] and table["cells"]["maxItems"] == 3
    assert set(parameters(GradcheckConfig)) == set(parameters(TraceConfig)) | {"samples", "epsilon"}
