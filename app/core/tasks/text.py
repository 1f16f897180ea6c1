"""Next-character prediction on a short bundled text, softmax and cross-entropy at every step.

The corpus (corpus_ko.txt, beside this file) is a few paragraphs in Korean and English about recurrent
networks, in the lecture's words; its vocabulary is every distinct character, Hangul included, in code point
order. A batch is B windows of T + 1 characters at random offsets: the input is the one-hot of the first T,
the target the index of the next character at every step (min-char-rnn's setup).

Your own sentence (`sentence`) replaces the random windows: its characters are the sequence, the input the
one-hot of every character but the last, the target the next character at every step, so a sentence of
n characters gives T = n − 1 steps. It is read in Unicode's composed form (NFC), so Hangul typed or pasted as
separate jamo is the same sentence; a character outside the vocabulary is refused, and the message names it.

Baseline: a network that ignores the context predicts the corpus's character frequencies; its loss is the
unigram entropy per character, T times that in all. Chance accuracy: always naming the most common character.
"""

import unicodedata
from functools import cache
from pathlib import Path

import numpy as np

from app.core.tasks.base import Param, Task, argmax_accuracy, one_hot

CORPUS_PATH = Path(__file__).with_name("corpus_ko.txt")


@cache
def corpus() -> tuple[str, tuple[str, ...], np.ndarray]:
    """(text, vocabulary, text as vocabulary indices)."""
    text = CORPUS_PATH.read_text(encoding="utf-8")
    vocab = tuple(sorted(set(text)))
    index = {ch: i for i, ch in enumerate(vocab)}
    codes = np.array([index[ch] for ch in text], dtype=np.int64)
    return text, vocab, codes


@cache
def unigram() -> np.ndarray:
    """Frequency of each vocabulary character in the corpus."""
    _, vocab, codes = corpus()
    return np.bincount(codes, minlength=len(vocab)) / len(codes)


class UnknownCharacters(ValueError):
    """A sentence with characters outside the vocabulary; `characters` lists them, each once."""

    def __init__(self, message: str, characters: list[str]):
        super().__init__(message)
        self.characters = characters


def encode(sentence: str) -> np.ndarray:
    """The sentence (NFC) as vocabulary indices, (n,) int64; ValueError naming every character outside the
    vocabulary, each once, in the order they first appear."""
    sentence = unicodedata.normalize("NFC", sentence)
    _, vocab, _ = corpus()
    index = {ch: i for i, ch in enumerate(vocab)}
    unknown = list(dict.fromkeys(ch for ch in sentence if ch not in index))
    if unknown:
        shown = " ".join(repr(ch) for ch in unknown)
        raise UnknownCharacters(
            f"sentence has {len(unknown)} character{'s' if len(unknown) > 1 else ''} outside the model's "
            f"vocabulary (the {len(vocab)} characters of its text): {shown}",
            unknown,
        )
    return np.array([index[ch] for ch in sentence], dtype=np.int64)


class Text(Task):
    name = "text"
    title = "Next character (Korean and English text)"
    description = (
        "Read a short text about RNNs, in Korean and English, one character at a time and predict the next "
        "character at every step."
    )
    output = "softmax"
    loss = "ce"
    loss_on = "all"
    params = (Param("T", 32, 2, 1000, "characters per training sequence"),)
    baseline_meaning = (
        "predicting the corpus's character frequencies, ignoring context: unigram entropy per step"
    )
    accuracy_meaning = "share of characters predicted correctly (most probable next character)"

    def input_size(self, **params) -> int:
        return len(corpus()[1])

    def output_size(self, **params) -> int:
        return len(corpus()[1])

    def baseline(self, **params) -> float:
        q = unigram()
        entropy = -float(np.sum(q * np.log(q)))
        return self.resolve(**params)["T"] * entropy

    def chance_accuracy(self, **params) -> float:
        return float(unigram().max())

    def threshold(self, **params) -> float:
        # One nat per character: well below the unigram entropy (about 4 nats) and reachable, since a small
        # network can learn most of a text this short by heart.
        return self.resolve(**params)["T"] * 1.0

    def sample(self, rng, batch, **params):
        T = self.resolve(**params)["T"]
        _, vocab, codes = corpus()
        starts = rng.integers(0, len(codes) - T, size=batch)  # (B,)
        windows = codes[starts[None, :] + np.arange(T + 1)[:, None]]  # (T+1, B)
        return one_hot(windows[:-1], len(vocab)), windows[1:]

    def sentence_batch(self, sentence: str, batch: int) -> tuple[np.ndarray, np.ndarray]:
        """The sentence as every one of `batch` examples: x (T, B, D) one-hot of its first T = n − 1
        characters, y (T, B) the index of the next character at each step."""
        codes = encode(sentence)
        if len(codes) < 3:
            raise ValueError(f"sentence must have at least 3 characters (T ≥ 2), got {len(codes)}")
        windows = np.repeat(codes[:, None], batch, axis=1)  # (T+1, B)
        return one_hot(windows[:-1], len(corpus()[1])), windows[1:]

    def accuracy(self, outputs, y, **params):
        return argmax_accuracy(outputs, y, slice(None))

    def describe(self, **params) -> dict:
        """Also the vocabulary, so that one-hot inputs and outputs can be shown as the characters they are."""
        return {**super().describe(**params), "vocabulary": list(corpus()[1])}


TASK = Text()
