"""The lesson's questions (scenes.json `question`): on each scene preset's computed payloads exactly one
choice's claim holds, and a live class's reveal reports that one; malformed question data is refused at
start-up."""

import re

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.web.live.questions import PRESET_OF, QUESTIONS, choices_holding, needs
from app.web.payloads.presets import LANGUAGES, PRESETS, _question, words
from app.web.payloads.train_run import run_to_end, start_payload
from app.web.schemas import TrainConfig

TRACED = sorted(s for s in QUESTIONS if needs(s) == {"trace"})
TRAINED = sorted(s for s in QUESTIONS if "train" in needs(s))


@pytest.fixture(scope="module")
def class_client():
    with TestClient(create_app(), base_url="http://127.0.0.1") as c:
        yield c


def revealed(client, scene: str) -> dict:
    started = client.post("/api/class").json()
    sid, key = started["id"], {"X-Class-Key": started["teacher_secret"]}
    qid = client.post(f"/api/class/{sid}/questions", json={"scene": scene}, headers=key).json()["qid"]
    client.post(f"/api/class/{sid}/questions/{qid}/answers", json={"device": "device-one", "choice": "a"})
    answer = client.post(f"/api/class/{sid}/questions/{qid}/reveal", headers=key)
    assert answer.status_code == 200, answer.text
    client.delete(f"/api/class/{sid}", headers=key)
    return answer.json()


def test_at_least_five_scenes_ask_a_question_and_every_one_is_checked():
    assert len(QUESTIONS) >= 5
    assert set(TRACED) | set(TRAINED) == set(QUESTIONS)


@pytest.mark.parametrize("scene", TRACED)
def test_exactly_one_choice_holds_and_reveal_reports_it(class_client, scene):
    preset = PRESETS[PRESET_OF[scene]]
    payloads = {"trace": class_client.post("/api/trace", json=preset["trace"]).json(), "compare": []}
    held = choices_holding(scene, payloads)
    assert len(held) == 1, (scene, held)
    answer = revealed(class_client, scene)
    assert answer["correct"] == held[0]
    assert set(answer["tally"]) == {c["id"] for c in QUESTIONS[scene]["choices"]}


@pytest.mark.slow
@pytest.mark.parametrize("scene", TRAINED)
def test_a_training_question_has_one_answer_at_the_runs_end(class_client, scene):
    config = TrainConfig(**PRESETS[PRESET_OF[scene]]["train"])
    run = run_to_end(config)
    held = choices_holding(scene, {"trace": start_payload(config), "train": run.snapshots[-1], "compare": []})
    assert len(held) == 1, (scene, held)
    assert revealed(class_client, scene)["correct"] == held[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_question_and_choice_is_worded(lang):
    texts = words(lang)
    for scene, question in QUESTIONS.items():
        assert texts[f"lesson.scene.{scene}.question"].endswith("?")
        for choice in question["choices"]:
            assert texts[f"lesson.scene.{scene}.choice.{choice['id']}"]


GOOD = {"choices": [{"id": "rnn", "when": {"left": "rnn_left", "op": "<", "value": 1}}] * 2}


@pytest.mark.parametrize(
    ("question", "error"),
    [
        ({"choices": GOOD["choices"][:1]}, "2 to 4 choices"),
        ({"choices": GOOD["choices"] * 3}, "2 to 4 choices"),
        (GOOD, "unique"),
        (
            {
                "choices": [
                    {"id": "a", "when": {"left": "nothing", "op": "<", "value": 1}},
                    {"id": "b", "when": {}},
                ]
            },
            "no",
        ),
        (
            {
                "choices": [
                    {"id": "x", "when": {"left": "rnn_left", "op": "<", "value": 1}},
                    *GOOD["choices"][:1],
                ]
            },
            "missing",
        ),
    ],
)
def test_malformed_question_data_is_refused(question, error):
    scene = {"id": "bptt", "preset": "bptt", "question": question}
    with pytest.raises(ValueError, match=error):
        _question(scene, PRESETS["bptt"], {lang: words(lang) for lang in LANGUAGES})


def test_a_reveal_computes_the_answer_when_the_server_was_busy_as_the_question_was_asked():
    with TestClient(create_app(), base_url="http://127.0.0.1") as client:
        limiter = client.app.state.limiter
        started = client.post("/api/class").json()
        sid, key = started["id"], {"X-Class-Key": started["teacher_secret"]}
        for _ in range(limiter.max_concurrent):
            limiter.acquire()  # every computation slot taken: the warm-up is refused
        qid = client.post(f"/api/class/{sid}/questions", json={"scene": "truncated"}, headers=key).json()[
            "qid"
        ]
        busy = client.post(f"/api/class/{sid}/questions/{qid}/reveal", headers=key)
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        for _ in range(limiter.max_concurrent):
            limiter.release()
        answer = client.post(f"/api/class/{sid}/questions/{qid}/reveal", headers=key)
        assert answer.status_code == 200 and answer.json()["correct"] == "thirty"


# A question states the scene's settings in its words ("T = 30", "ρ = 0.9", "k = 10", "600 updates"): they are
# the scene preset's own, in both languages, so the words cannot drift from what the computation uses.
SETTING_WORDS = {
    "T": r"\bT = (\d+)",
    "spectral_radius": r"ρ = (\d+(?:\.\d+)?)",
    "truncate": r"\bk = (\d+)",
    "updates": r"(\d+) (?:training )?updates|(\d+)번 갱신",
}


def setting_of(preset: dict, name: str) -> float:
    trace, train = preset.get("trace") or {}, preset.get("train") or {}
    if name == "updates":
        return trace.get("trained_steps") or train["steps"]
    return trace[name] if name in trace else train[name]


@pytest.mark.parametrize("scene", sorted(QUESTIONS))
def test_the_settings_a_question_states_are_its_presets(scene):
    preset = PRESETS[PRESET_OF[scene]]
    quoted = {}
    for lang in LANGUAGES:
        text = words(lang)[f"lesson.scene.{scene}.question"]
        found = {
            name: sorted(float(next(g for g in m.groups() if g)) for m in re.finditer(pattern, text))
            for name, pattern in SETTING_WORDS.items()
        }
        assert any(found.values()), f"{lang} {scene}: no setting found in its words"
        for name, values in found.items():
            for value in values:
                assert value == setting_of(preset, name), f"{lang} {scene}: {name} = {value}"
        digits = sorted(re.findall(r"\d+(?:\.\d+)?", text))
        quoted[lang] = digits
    assert quoted["en"] == quoted["ko"], f"{scene}: en and ko quote different numbers {quoted}"
