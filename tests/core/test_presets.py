"""Training presets are complete plain data, and the classroom preset shows what its docstring says."""

import json

import pytest

from app.core.presets import DEFAULT_PRESET, TRAIN_PRESETS, train_config
from app.core.tasks import get_task
from app.core.train import TrainConfig, train


@pytest.mark.parametrize("name", list(TRAIN_PRESETS))
def test_every_preset_is_json_and_a_valid_config(name):
    preset = TRAIN_PRESETS[name]
    assert json.loads(json.dumps(preset)) == preset
    assert set(preset["title"]) == set(preset["description"]) == {"en", "ko"}
    config = train_config(name)
    assert isinstance(config, TrainConfig) and config.seconds is not None
    fields = set(TrainConfig.__dataclass_fields__)
    assert set(preset["config"]) <= fields


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="classroom"):
        train_config("nope")


def test_classroom_lstm_solves_the_adding_problem_and_the_rnn_does_not():
    """Counted in updates, not seconds, so the test does not depend on the machine: the LSTM solves it well
    inside the preset's budget (a few seconds here) and its gradient reaches the first step, while the RNN
    stays far above the solved line."""
    config = train_config(DEFAULT_PRESET).with_(steps=400, seconds=None, snapshot_every=400)
    assert config.task == "adding" and config.kinds == ("rnn", "lstm")
    final = list(train(config))[-1]["cells"]
    threshold = get_task("adding").threshold()
    assert final["lstm"]["test_loss"] < threshold
    assert final["rnn"]["test_loss"] > 10 * threshold
    # How much of the last step's gradient reaches the first step: a useful share for the trained LSTM
    # (about 0.1 here), next to nothing for the RNN (about 1e-25 here).
    reach = {k: c["grad_hidden_norm"][0] / c["grad_hidden_norm"][-1] for k, c in final.items()}
    assert reach["lstm"] > 1e-3 and reach["rnn"] < 1e-10
    # Some unit has opened its forget gate to nearly 1: the memory that carries the first number.
    assert final["lstm"]["gate_unit_means"]["f"].max() > 0.95
