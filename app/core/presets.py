"""Named training configurations for the lesson, as plain data (the API serves them as they are).

Each preset is {"title": {"en", "ko"}, "description": {"en", "ko"}, "config": {TrainConfig fields}};
train_config(name) turns one into a TrainConfig.

"classroom" is the default, the lecture's point in ten seconds of training: on the adding problem with T = 50
the LSTM (forget bias 1, Adam at 0.02) drops from the baseline MSE 1/6 to below the solved line 0.01 within
about 250–350 updates (seeds 0–4), and the gradient that reaches its first step grows from ~1e-5 to ~0.1
of the last step's; the tanh RNN, seeing the same batches, stays at the baseline (about 0.16), its gradient
at the first step some 1e-18 of the last step's. Ten seconds are over a thousand updates of both cells on
this 2-core machine with single-threaded BLAS even when it is busy (OPENBLAS_NUM_THREADS=1; with BLAS
threads fighting other processes for two cores, it can be as few as 200).
"""

from app.core.train import TrainConfig

TRAIN_PRESETS: dict[str, dict] = {
    "classroom": {
        "title": {"en": "LSTM learns, RNN does not", "ko": "LSTM은 배우고, RNN은 못 배운다"},
        "description": {
            "en": "The adding problem with T = 50: within ten seconds the LSTM solves it (a few of its units "
            "open their forget gates to nearly 1 and carry the first number to the end), while the tanh RNN's "
            "loss stays at the baseline because its gradient never reaches the first marked number.",
            "ko": "T = 50인 덧셈 문제: 10초 안에 LSTM은 문제를 푼다(몇몇 뉴런의 망각 게이트가 1에 가깝게 열려 첫 번째 "
            "숫자를 끝까지 전달한다). 반면 tanh RNN은 기울기가 첫 번째 표시된 숫자까지 도달하지 못해 손실이 기준선에 머문다.",
        },
        "config": {
            "task": "adding",
            "task_params": {"T": 50},
            "kinds": ["rnn", "lstm"],
            "hidden_size": 16,
            "init": {"forget_bias": 1.0},
            "optimizer": "adam",
            "lr": 0.02,
            "batch_size": 32,
            "clip": 1.0,
            "truncate": None,
            "steps": 3000,
            "seconds": 10.0,
            "snapshot_every": 10,
            "test_size": 64,
            "seed": 0,
        },
    },
    "three-cells": {
        "title": {"en": "RNN, LSTM and GRU side by side", "ko": "RNN, LSTM, GRU 비교"},
        "description": {
            "en": "The same adding problem (T = 50) for all three cells on the same batches: both gated "
            "cells learn it, the plain RNN does not.",
            "ko": "같은 덧셈 문제(T = 50)를 세 가지 셀이 같은 데이터로 학습한다: 게이트가 있는 두 셀은 배우고, "
            "기본 RNN은 배우지 못한다.",
        },
        "config": {
            "task": "adding",
            "task_params": {"T": 50},
            "kinds": ["rnn", "lstm", "gru"],
            "hidden_size": 16,
            "init": {"forget_bias": 1.0},
            "optimizer": "adam",
            "lr": 0.02,
            "batch_size": 32,
            "clip": 1.0,
            "truncate": None,
            "steps": 3000,
            "seconds": 20.0,
            "snapshot_every": 10,
            "test_size": 64,
            "seed": 0,
        },
    },
    "one-neuron-latch": {
        "title": {"en": "One neuron keeps a bit", "ko": "뉴런 하나로 정보 기억하기"},
        "description": {
            "en": "Bengio, Simard and Frasconi's latching problem with a single hidden unit: a class shown on "
            "the first 3 of 20 steps, then noise. The one-unit LSTM learns to hold it in its cell; the "
            "one-unit RNN and GRU stay at chance.",
            "ko": "Bengio, Simard, Frasconi의 정보 래칭 문제를 은닉 뉴런 하나로: 20단계 중 처음 3단계에만 클래스가 "
            "보이고 나머지는 잡음이다. 뉴런 하나짜리 LSTM은 셀에 정보를 붙잡아 두지만 RNN과 GRU는 우연 수준에 머문다.",
        },
        "config": {
            "task": "latch",
            "task_params": {"T": 20, "L": 3, "noise": 0.2},
            "kinds": ["rnn", "lstm", "gru"],
            "hidden_size": 1,
            "init": {"forget_bias": 1.0},
            "optimizer": "adam",
            "lr": 0.01,
            "batch_size": 32,
            "clip": 1.0,
            "truncate": None,
            "steps": 2000,
            "seconds": 10.0,
            "snapshot_every": 10,
            "test_size": 64,
            "seed": 0,
        },
    },
    "adding-100": {
        "title": {"en": "Adding problem, T = 100", "ko": "덧셈 문제, T = 100"},
        "description": {
            "en": "The long version: the first marked number can be 99 steps back. The LSTM needs about a "
            "thousand updates; the RNN never gets there.",
            "ko": "긴 버전: 첫 번째 표시된 숫자가 99단계 전에 있을 수 있다. LSTM은 약 천 번의 갱신이 필요하고, "
            "RNN은 끝내 풀지 못한다.",
        },
        "config": {
            "task": "adding",
            "task_params": {"T": 100},
            "kinds": ["rnn", "lstm"],
            "hidden_size": 16,
            "init": {"forget_bias": 1.0},
            "optimizer": "adam",
            "lr": 0.01,
            "batch_size": 32,
            "clip": 1.0,
            "truncate": None,
            "steps": 5000,
            "seconds": 60.0,
            "snapshot_every": 20,
            "test_size": 128,
            "seed": 0,
        },
    },
}

DEFAULT_PRESET = "classroom"


def train_config(name: str = DEFAULT_PRESET) -> TrainConfig:
    try:
        config = dict(TRAIN_PRESETS[name]["config"])
    except KeyError:
        raise ValueError(f"no training preset named {name!r}; known: {', '.join(TRAIN_PRESETS)}") from None
    config["kinds"] = tuple(config["kinds"])
    return TrainConfig(**config)
