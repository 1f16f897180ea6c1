"""Tasks generate what they say: shapes, markers, targets, and baselines that the data itself reproduces."""

import json
import math

import numpy as np
import pytest

from app.core.tasks import TASKS, get_task
from app.core.tasks.text import corpus, encode, unigram


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("name", list(TASKS))
def test_sample_shapes_and_types_match_describe(name):
    task = get_task(name)
    d = task.describe()
    x, y = task.sample(rng(), 5)
    T = d["length"]
    assert x.shape == (T, 5, d["input_size"])
    assert x.dtype == np.float64
    if d["loss"] == "mse":
        assert y.shape == (T, 5, d["output_size"]) and y.dtype == np.float64
        assert d["output"] == "linear"
    else:
        assert y.shape == (T, 5) and y.dtype == np.int64
        assert d["output"] == "softmax"
        assert y.min() >= 0 and y.max() < d["output_size"]
    assert d["loss_on"] in ("all", "last")


@pytest.mark.parametrize("name", list(TASKS))
def test_sample_same_seed_same_data(name):
    task = get_task(name)
    x1, y1 = task.sample(rng(7), 3)
    x2, y2 = task.sample(rng(7), 3)
    x3, _ = task.sample(rng(8), 3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)


@pytest.mark.parametrize("name", list(TASKS))
def test_describe_is_plain_json_with_param_bounds(name):
    d = get_task(name).describe()
    assert json.loads(json.dumps(d)) == d
    for p in d["params"].values():
        assert p["minimum"] <= p["default"] <= p["maximum"]
        assert p["type"] in ("integer", "number") and p["description"]
    assert d["length_param"] in d["params"]
    assert d["values"] == {name: p["default"] for name, p in d["params"].items()}
    assert d["threshold"] < d["baseline"]


def test_resolve_rejects_unknown_and_out_of_bounds():
    task = get_task("adding")
    assert task.resolve() == {"T": 50}
    assert task.resolve(T=100.0) == {"T": 100}
    with pytest.raises(ValueError, match="no parameter V"):
        task.resolve(V=3)
    with pytest.raises(ValueError, match="between 2 and 1000"):
        task.resolve(T=1)
    with pytest.raises(ValueError, match="whole number"):
        task.resolve(T=10.5)
    with pytest.raises(ValueError, match="at most T"):
        get_task("latch").resolve(T=5, L=6)
    with pytest.raises(ValueError, match="unknown task"):
        get_task("nope")


def test_adding_two_markers_one_in_each_half_and_target_is_their_sum():
    T, B = 11, 400
    x, y = get_task("adding").sample(rng(), B, T=T)
    values, markers = x[..., 0], x[..., 1]
    assert np.all((values >= 0) & (values < 1))
    np.testing.assert_array_equal(markers.sum(axis=0), 2.0)
    half = T // 2
    np.testing.assert_array_equal(markers[:half].sum(axis=0), 1.0)
    np.testing.assert_array_equal(markers[half:].sum(axis=0), 1.0)
    np.testing.assert_allclose(y[-1, :, 0], (values * markers).sum(axis=0))
    np.testing.assert_array_equal(y[:-1], 0.0)
    # The first marker reaches the very first step sometimes (the dependency spans up to T − 1 steps).
    assert markers[0].sum() > 0


def test_adding_baseline_and_chance_accuracy_from_data():
    task = get_task("adding")
    _, y = task.sample(rng(1), 200_000, T=4)
    target = y[-1, :, 0]
    assert np.mean((target - 1.0) ** 2) == pytest.approx(task.baseline(), rel=0.01)
    assert task.baseline() == pytest.approx(1 / 6)
    constant = np.ones_like(y)
    assert task.accuracy(constant, y) == pytest.approx(task.chance_accuracy(), abs=0.003)
    assert task.accuracy(y, y) == 1.0


def test_recall_first_target_is_first_symbol_baseline_is_uniform():
    task = get_task("recall_first")
    x, y = task.sample(rng(), 1000, T=9, V=5)
    first = np.argmax(x[0], axis=-1)
    np.testing.assert_array_equal(y[-1], first)
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)  # one-hot everywhere
    assert task.baseline(V=5) == pytest.approx(math.log(5))
    uniform = np.full((9, 1000, 5), 0.2)
    ce = -np.mean(np.log(uniform[-1, np.arange(1000), y[-1]]))
    assert ce == pytest.approx(task.baseline(V=5))
    assert np.bincount(first, minlength=5) / 1000 == pytest.approx(np.full(5, 0.2), abs=0.05)
    assert task.chance_accuracy(V=5) == 0.2
    perfect = np.eye(5)[y]
    assert task.accuracy(perfect, y) == 1.0


def test_copy_layout_symbols_delay_cue_recall():
    task = get_task("copy")
    S, V, delay = 3, 4, 5
    x, y = task.sample(rng(), 50, S=S, V=V, delay=delay)
    T = task.length(S=S, V=V, delay=delay)
    assert T == 2 * S + delay
    inputs = np.argmax(x, axis=-1)  # (T, B)
    blank, cue = V, V + 1
    assert np.all(inputs[:S] < V)
    np.testing.assert_array_equal(inputs[S : S + delay], blank)
    np.testing.assert_array_equal(inputs[S + delay], cue)
    np.testing.assert_array_equal(inputs[S + delay + 1 :], blank)
    np.testing.assert_array_equal(y[: T - S], blank)
    np.testing.assert_array_equal(y[T - S :], inputs[:S])
    # Blank perfectly, uniform on the recall steps: exactly the stated baseline.
    probs = np.zeros((T, 50, V + 1))
    probs[: T - S, :, blank] = 1.0
    probs[T - S :, :, :V] = 1.0 / V
    with np.errstate(divide="ignore"):
        ce = -np.log(np.take_along_axis(probs, y[..., None], axis=-1)[..., 0]).sum(axis=0).mean()
    assert ce == pytest.approx(task.baseline(S=S, V=V, delay=delay))
    assert task.accuracy(np.eye(V + 1)[y], y, S=S) == 1.0


def test_sine_target_is_next_input_and_baseline_from_data():
    task = get_task("sine")
    x, y = task.sample(rng(), 2000, T=40, period=10.0, noise=0.3)
    np.testing.assert_array_equal(x[1:], y[:-1])
    per_sequence_zero_mse = np.sum(y**2, axis=0).mean()
    assert per_sequence_zero_mse == pytest.approx(task.baseline(T=40, noise=0.3), rel=0.02)
    # Noise-free: x_{t+1} = 2cos(ω)·x_t − x_{t−1} exactly, so one step of memory predicts it.
    x, y = task.sample(rng(), 3, T=20, period=10.0, noise=0.0)
    w = 2 * np.pi / 10.0
    np.testing.assert_allclose(y[1:], 2 * np.cos(w) * x[1:] - x[:-1], atol=1e-12)


def test_text_windows_follow_the_corpus():
    task = get_task("text")
    text, vocab, codes = corpus()
    assert any("\uac00" <= ch <= "\ud7a3" for ch in vocab)  # Hangul syllables are in the vocabulary
    assert "LSTM" in text
    x, y = task.sample(rng(), 8, T=16)
    inputs = np.argmax(x, axis=-1)  # (T, B)
    np.testing.assert_array_equal(inputs[1:], y[:-1])
    for b in range(8):
        window = "".join(vocab[i] for i in inputs[:, b]) + vocab[y[-1, b]]
        assert window in text
    q = unigram()
    assert q.sum() == pytest.approx(1.0)
    assert task.baseline(T=16) == pytest.approx(16 * -np.sum(q * np.log(q)))
    assert task.chance_accuracy() == pytest.approx(np.max(np.bincount(codes)) / len(codes))


def test_text_sentence_characters_are_the_sequence():
    task = get_task("text")
    vocab = corpus()[1]
    sentence = "RNN은 기울기가 소실된다"
    x, y = task.sentence_batch(sentence, 3)
    T = len(sentence) - 1
    assert x.shape == (T, 3, len(vocab)) and y.shape == (T, 3)
    for b in range(3):  # every example is the sentence: inputs its first T characters, targets the next
        assert "".join(vocab[i] for i in np.argmax(x[:, b], axis=-1)) == sentence[:-1]
        assert "".join(vocab[i] for i in y[:, b]) == sentence[1:]
    assert np.all(x.sum(axis=-1) == 1.0)


def test_text_sentence_in_separate_jamo_is_the_composed_sentence():
    import unicodedata

    composed = "기울기가 소실된다"
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) > len(composed)
    np.testing.assert_array_equal(encode(decomposed), encode(composed))


def test_text_sentence_unknown_characters_are_named_once_each():
    with pytest.raises(ValueError) as err:
        encode("Zebra jam Zoo 사과")
    message = str(err.value)
    assert message.startswith("sentence has 3 characters outside the model's vocabulary")
    assert message.endswith("'Z' 'j' '사'")  # in the order they first appear, each once
    with pytest.raises(ValueError, match="at least 3 characters"):
        get_task("text").sentence_batch("ab", 1)


def test_latch_class_on_first_steps_then_zero_mean_noise():
    task = get_task("latch")
    x, y = task.sample(rng(), 4000, T=30, L=4, noise=0.5)
    labels = y[-1]
    sign = 2.0 * labels - 1.0
    assert np.mean(x[:4, :, 0] * sign) == pytest.approx(1.0, abs=0.02)
    assert abs(np.mean(x[4:, :, 0] * sign)) < 0.02
    assert np.std(x[4:]) == pytest.approx(0.5, rel=0.02)
    assert np.mean(labels) == pytest.approx(0.5, abs=0.03)
    x, y = task.sample(rng(), 10, T=6, L=2, noise=0.0)
    np.testing.assert_array_equal(x[:2, :, 0], np.broadcast_to(2.0 * y[-1] - 1.0, (2, 10)))
    np.testing.assert_array_equal(x[2:], 0.0)
