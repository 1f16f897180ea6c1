"""Lesson presets as data: a name, a title and a description in English and Korean, the chart to look at,
and complete configurations (a trace, a training run, or both; `compare` adds variants to overlay).

Each configuration is validated against the request schemas when this module is imported, and sent with
every field filled in, so the page can POST it as it is and a preset is also a URL.
The order follows the lecture (../shared/seed/rnn-lecture-ko.txt): the computation at step t, the error
at every step, BPTT, vanishing and exploding gradients, truncated BPTT, then the LSTM's gates and a
training run in which the LSTM learns what the RNN cannot. The training presets are the core's
(app.core.presets), translated to the API's fields.
"""

from app.core.presets import TRAIN_PRESETS
from app.web.schemas import TraceConfig, TrainConfig


def _train_fields(core: dict) -> dict:
    """A training preset of the core (app.core.presets, shared with `gradflow experiment`) in the API's
    flat fields, so the page trains exactly what the command line does."""
    fields = {
        "cells": list(core["kinds"]),
        "task": core["task"],
        "H": core["hidden_size"],
        "batch": core["batch_size"],
        "spectral_radius": None,  # the core's default: W_hh at its initial scale
        **core.get("task_params", {}),
        **core.get("init", {}),
    }
    for name in (
        "optimizer",
        "lr",
        "momentum",
        "clip",
        "truncate",
        "steps",
        "seconds",
        "snapshot_every",
        "test_size",
        "seed",
        "stop_when_solved",
    ):
        if name in core:
            fields[name] = core[name]
    return fields


_PRESETS = [
    {
        "name": "step-t",
        "view": "hidden",
        "title": {"en": "The computation at step t", "ko": "t 단계의 계산"},
        "description": {
            "en": "A four-unit RNN: h_t = tanh(W_hh h_{t−1} + W_xh x_t), ŷ_t = softmax(W_hy h_t), scored with "
            "MSE as in the lecture. Pick a step to see x_t, h_{t−1}, h_t and ŷ_t with the weights.",
            "ko": "은닉 유닛 4개의 RNN: h_t = tanh(W_hh h_{t−1} + W_xh x_t), ŷ_t = softmax(W_hy h_t), 강의처럼 "
            "MSE로 오차를 잽니다. 단계를 골라 x_t, h_{t−1}, h_t, ŷ_t와 가중치를 보세요.",
        },
        "trace": {
            "cells": ["rnn"],
            "task": "recall_first",
            "T": 8,
            "V": 4,
            "H": 4,
            "batch": 1,
            "loss": "mse",
            "output": "softmax",
            "include_weights": True,
            "spectral_radius": 0.9,
        },
    },
    {
        "name": "per-step-error",
        "view": "step-loss",
        "title": {"en": "An error at every step", "ko": "각 단계의 오차"},
        "description": {
            "en": "Next-character prediction: at every step the softmax output ŷ_t is compared with the real "
            "next character y_t by MSE, and the errors of all steps add up to the loss.",
            "ko": "다음 글자 예측: 각 단계마다 softmax 출력 ŷ_t와 실제 다음 글자 y_t의 MSE를 재고, 모든 단계의 "
            "오차를 더한 것이 손실입니다.",
        },
        "trace": {
            "cells": ["rnn"],
            "task": "text",
            "T": 20,
            "H": 16,
            "batch": 4,
            "output": "softmax",
            "loss": "mse",
            "loss_on": "all",
        },
    },
    {
        "name": "bptt",
        "view": "gradient-flow",
        "title": {"en": "Backpropagation through time", "ko": "시간에 따른 역전파 (BPTT)"},
        "description": {
            "en": "The error at the last step flows back from t = T to t = 1 through W_hh; step through it and "
            "watch ‖dL/dh_t‖ shrink at every step.",
            "ko": "마지막 단계의 오차가 W_hh를 거쳐 t = T에서 t = 1로 거꾸로 전파됩니다. 한 단계씩 넘기며 "
            "‖dL/dh_t‖가 단계마다 줄어드는 것을 보세요.",
        },
        "trace": {"cells": ["rnn"], "task": "adding", "T": 30, "H": 16, "batch": 8},
    },
    {
        "name": "vanishing",
        "view": "gradient-flow",
        "title": {"en": "Vanishing gradient", "ko": "기울기 소실"},
        "description": {
            "en": "With W_hh's spectral radius below 1 and tanh's slope at most 1, the RNN's gradient shrinks "
            "geometrically with distance: a hundred steps back it is ten orders of magnitude smaller. The "
            "LSTM's cell state carries it much further.",
            "ko": "W_hh의 스펙트럼 반지름이 1보다 작고 tanh의 기울기가 1 이하이면 RNN의 기울기는 거리에 따라 "
            "기하급수적으로 줄어듭니다. 100단계 앞에서는 10자릿수 이상 작아집니다. LSTM의 셀 상태는 훨씬 멀리 "
            "전달합니다.",
        },
        "trace": {"cells": ["rnn", "lstm"], "task": "adding", "T": 100, "H": 32, "spectral_radius": 0.9},
    },
    {
        "name": "exploding",
        "view": "gradient-flow",
        "title": {"en": "Exploding gradient", "ko": "기울기 폭주"},
        "description": {
            "en": "An orthogonal W_hh scaled to spectral radius 4: the gradient grows by up to σ_max = 4 per step "
            "back, a billion-fold over sixty steps. Gradient clipping is the remedy.",
            "ko": "스펙트럼 반지름 4로 키운 직교 W_hh: 기울기가 거꾸로 한 단계마다 최대 σ_max = 4배씩 커져 60단계 "
            "만에 10억 배가 됩니다. 해결책은 기울기 클리핑입니다.",
        },
        "trace": {
            "cells": ["rnn"],
            "task": "adding",
            "T": 60,
            "H": 32,
            "recurrent_init": "orthogonal",
            "spectral_radius": 4.0,
        },
    },
    {
        "name": "spectral-radius-bound",
        "view": "gradient-flow",
        "title": {"en": "Spectral radius against the bound", "ko": "스펙트럼 반지름과 상한"},
        "description": {
            "en": "An orthogonal W_hh scaled to spectral radius ρ has σ_max = ρ, so the bound on ‖∂h_T/∂h_t‖ is "
            "ρ^(T−t) itself: below 1 the gradient vanishes under it; above 1 the bound grows, and from about "
            "ρ = 1.4 the gradient grows with it.",
            "ko": "스펙트럼 반지름 ρ로 맞춘 직교 W_hh는 σ_max = ρ이므로 ‖∂h_T/∂h_t‖의 상한이 바로 ρ^(T−t)입니다. "
            "1보다 작으면 기울기가 그 아래에서 소실되고, 1보다 크면 상한이 커지며 ρ = 1.4 근처부터는 기울기도 "
            "함께 커집니다.",
        },
        "trace": {
            "cells": ["rnn"],
            "task": "adding",
            "T": 60,
            "H": 32,
            "recurrent_init": "orthogonal",
            "spectral_radius": 0.9,
        },
    },
    {
        "name": "truncated-bptt",
        "view": "gradient-flow",
        "title": {"en": "Truncated BPTT", "ko": "Truncated BPTT (단계 제한 역전파)"},
        "description": {
            "en": "The backward pass is cut every 10 steps: each chunk sees only its own errors, so nothing "
            "learned can reach further back than 10 steps, but every update is cheap.",
            "ko": "역전파를 10단계마다 끊습니다. 각 구간은 자기 구간의 오차만 받으므로 10단계보다 먼 의존성은 "
            "배울 수 없지만, 갱신 한 번의 비용은 작습니다.",
        },
        "trace": {"cells": ["rnn", "lstm"], "task": "sine", "T": 60, "H": 16, "truncate": 10},
    },
    {
        "name": "truncated-bptt-cut",
        "view": "gradient-flow",
        "title": {"en": "Truncated BPTT cuts the gradient", "ko": "Truncated BPTT: 끊긴 기울기"},
        "description": {
            "en": "The adding problem, whose only error is at the last step, with the backward pass cut every 10 "
            "steps: the gradient reaches the last 10 steps and is exactly zero before them, for the LSTM too, "
            "so nothing further back can be learned.",
            "ko": "마지막 단계에만 오차가 있는 덧셈 문제에서 역전파를 10단계마다 끊습니다. 기울기는 마지막 10단계에만 "
            "닿고 그 앞은 정확히 0이므로, LSTM도 그보다 먼 과거는 배울 수 없습니다.",
        },
        "trace": {"cells": ["rnn", "lstm"], "task": "adding", "T": 40, "H": 16, "truncate": 10},
    },
    {
        "name": "forget-bias-0-vs-1",
        "view": "gradient-flow",
        "title": {"en": "Forget-gate bias 0 versus 1", "ko": "망각 게이트 편향 0과 1"},
        "description": {
            "en": "With b_f = 0 the forget gate starts near σ(0) = 0.5 and the cell's gradient halves at every "
            "step; with b_f = 1 (Jozefowicz et al. 2015) it starts near 0.73 and reaches much further back.",
            "ko": "b_f = 0이면 망각 게이트가 σ(0) = 0.5 근처에서 시작해 셀 기울기가 단계마다 절반이 됩니다. "
            "b_f = 1이면 (Jozefowicz 외 2015) 0.73 근처에서 시작해 훨씬 멀리 전달됩니다.",
        },
        "trace": {"cells": ["lstm"], "task": "adding", "T": 100, "H": 32, "forget_bias": 0.0},
        "compare": [
            {
                "label": {"en": "forget bias 1", "ko": "망각 편향 1"},
                "trace": {"cells": ["lstm"], "task": "adding", "T": 100, "H": 32, "forget_bias": 1.0},
            },
        ],
    },
    {
        "name": "lstm-gates",
        "view": "gates",
        "title": {"en": "The LSTM's gates", "ko": "LSTM의 게이트"},
        "description": {
            "en": "Forget gate f_t: what the cell keeps of c_{t−1}; input gate i_t: how much of the new candidate "
            "g_t is written; output gate o_t: how much of tanh(c_t) becomes h_t.",
            "ko": "망각 게이트 f_t: c_{t−1} 중 무엇을 남길지, 입력 게이트 i_t: 새 후보 g_t를 얼마나 쓸지, 출력 "
            "게이트 o_t: tanh(c_t) 중 얼마를 h_t로 내보낼지 정합니다.",
        },
        "trace": {"cells": ["lstm"], "task": "adding", "T": 40, "H": 16},
    },
    {
        "name": "gru-vs-lstm",
        "view": "gradient-flow",
        "title": {"en": "RNN, LSTM and GRU", "ko": "RNN, LSTM, GRU 비교"},
        "description": {
            "en": "The same data and seed through all three cells: the gated cells keep the gradient alive far "
            "longer than the plain RNN.",
            "ko": "같은 데이터와 시드로 세 셀을 비교합니다. 게이트가 있는 셀은 단순 RNN보다 기울기를 훨씬 오래 "
            "유지합니다.",
        },
        "trace": {"cells": ["rnn", "lstm", "gru"], "task": "adding", "T": 100, "H": 32},
    },
    {
        "name": "relu-identity",
        "view": "gradient-flow",
        "title": {"en": "ReLU RNN with identity W_hh (IRNN)", "ko": "항등 W_hh의 ReLU RNN (IRNN)"},
        "description": {
            "en": "Le, Jaitly and Hinton (2015): W_hh = I and ReLU pass the gradient back unchanged where units "
            "are active, neither vanishing nor exploding at the start.",
            "ko": "Le, Jaitly, Hinton (2015): W_hh = I와 ReLU는 활성 유닛에서 기울기를 그대로 전달해 처음에는 "
            "소실도 폭주도 하지 않습니다.",
        },
        "trace": {
            "cells": ["rnn"],
            "task": "adding",
            "T": 100,
            "H": 32,
            "activation": "relu",
            "recurrent_init": "identity",
            "spectral_radius": 1.0,
        },
    },
    {
        "name": "lstm-learns",
        "view": "training",
        "title": TRAIN_PRESETS["classroom"]["title"],
        "description": TRAIN_PRESETS["classroom"]["description"],
        # The page keeps one value per model setting, so the trace uses the training run's initialisation.
        "trace": {"cells": ["rnn", "lstm"], "task": "adding", "T": 50, "H": 16, "spectral_radius": None},
        "train": _train_fields(TRAIN_PRESETS["classroom"]["config"]),
    },
    *(
        {
            "name": name,
            "view": "training",
            "title": TRAIN_PRESETS[name]["title"],
            "description": TRAIN_PRESETS[name]["description"],
            "trace": None,
            "train": _train_fields(TRAIN_PRESETS[name]["config"]),
        }
        for name in TRAIN_PRESETS
        if name != "classroom"
    ),
]


def _complete(preset: dict) -> dict:
    """The preset with every configuration validated and filled in with the schemas' defaults."""
    out = dict(preset)
    out["trace"] = TraceConfig(**preset["trace"]).model_dump(mode="json") if preset.get("trace") else None
    out["train"] = TrainConfig(**preset["train"]).model_dump(mode="json") if preset.get("train") else None
    out["compare"] = [
        {"label": c["label"], "trace": TraceConfig(**c["trace"]).model_dump(mode="json")}
        for c in preset.get("compare", [])
    ]
    return out


PRESETS: dict[str, dict] = {p["name"]: _complete(p) for p in _PRESETS}
