"""The lesson's presets and scenes, read from the data files that the page reads too.

static/lesson/presets.json holds each preset's configurations in the API's own field names (a trace, a
training run, or both; `compare` adds traces to overlay), the chart it is about (`view`), and the claims
its words make (app/web/payloads/claims.py). Its words are in static/i18n/{en,ko}.json as preset.<name>.title,
.description and .compare.<i>; `{name}` in them is a quantity the page fills in from the computation.
static/lesson/scenes.json is the lesson, one scene per idea of the lecture (../shared/seed/rnn-lecture-ko.txt)
in its order; each names the preset it applies, and its words are lesson.scene.<id>.title and .text.
A scene may carry a question for a live class (app/web/live/questions.py): its choices' ids, each with
the claim (`when`) that holds when it is the correct one; the words are lesson.scene.<id>.question and
lesson.scene.<id>.choice.<choice id>.

Everything is validated when this module is imported: configurations against the request schemas (and
sent with every field filled in, so the page can POST them as they are and a preset is also a URL), claims
against the quantities they name, and every `{placeholder}` in both languages against those quantities.
"""

import json
import re

from app.paths import STATIC_DIR
from app.web.payloads.claims import check_definitions
from app.web.schemas import TraceConfig, TrainConfig

LANGUAGES = ("en", "ko")
PRESETS_JSON = STATIC_DIR / "lesson" / "presets.json"
SCENES_JSON = STATIC_DIR / "lesson" / "scenes.json"
DEFAULT_TRAIN_PRESET = "lstm-learns"

MIN_CHOICES, MAX_CHOICES = 2, 4  # of a scene's question
_CHOICE_ID = re.compile(r"[a-z0-9-]{1,16}")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MATH = re.compile(r"\$[^$]*\$")


def quoted(text: str) -> set[str]:
    """The `{name}` placeholders of a text, outside its $…$ math (where braces are TeX's)."""
    return set(_PLACEHOLDER.findall(_MATH.sub("", text)))


def _load(path) -> list:
    return json.loads(path.read_text(encoding="utf-8"))


def words(lang: str) -> dict[str, str]:
    return json.loads((STATIC_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def _complete(preset: dict, texts: dict[str, dict]) -> dict:
    """The preset with its configurations validated and filled in, and its words in both languages."""
    name = preset["name"]
    check_definitions(preset)

    def both(key: str) -> dict:
        found = {lang: texts[lang].get(key, "") for lang in LANGUAGES}
        if not all(found.values()):
            raise ValueError(f"preset {name}: {key} is missing in {[k for k, v in found.items() if not v]}")
        named = {lang: quoted(text) for lang, text in found.items()}
        unknown = set().union(*named.values()) - set(preset.get("quantities", {}))
        if unknown or named["en"] != named["ko"]:
            raise ValueError(f"preset {name}: {key} quotes {named}, not quantities of the preset")
        return found

    out = {
        "name": name,
        "view": preset["view"],
        "title": both(f"preset.{name}.title"),
        "description": both(f"preset.{name}.description"),
        "trace": TraceConfig(**preset["trace"]).model_dump(mode="json") if preset.get("trace") else None,
        "train": TrainConfig(**preset["train"]).model_dump(mode="json") if preset.get("train") else None,
        "compare": [
            {
                "label": both(f"preset.{name}.compare.{i}"),
                "trace": TraceConfig(**c["trace"]).model_dump(mode="json"),
            }
            for i, c in enumerate(preset.get("compare", []))
        ],
        "quantities": preset.get("quantities", {}),
        "claims": preset.get("claims", []),
    }
    if not (out["trace"] or out["train"]):
        raise ValueError(f"preset {name} has neither a trace nor a training run")
    return out


def _question(scene: dict, preset: dict, texts: dict[str, dict]) -> None:
    """A scene's question (a live class asks it): 2 to 4 choices with unique ids, each choice's `when` a
    claim over the preset's quantities, and the question and every choice worded in both languages."""
    name = f"scene {scene['id']}"
    choices = scene["question"].get("choices", [])
    ids = [c.get("id") for c in choices]
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise ValueError(
            f"{name}: a question has {MIN_CHOICES} to {MAX_CHOICES} choices (got {len(choices)})"
        )
    if len(set(ids)) != len(ids) or not all(isinstance(i, str) and _CHOICE_ID.fullmatch(i) for i in ids):
        raise ValueError(f"{name}: choice ids must be unique, 1 to 16 of a-z, 0-9 and - (got {ids})")
    check_definitions(
        {"name": name, "quantities": preset["quantities"], "claims": [c["when"] for c in choices]}
    )
    prefix = f"lesson.scene.{scene['id']}"
    for key in [f"{prefix}.question"] + [f"{prefix}.choice.{i}" for i in ids]:
        for lang in LANGUAGES:
            text = texts[lang].get(key, "")
            if not text.strip():
                raise ValueError(f"{name}: {key} is missing in {lang}")
            if unknown := quoted(text) - set(preset["quantities"]):
                raise ValueError(f"{name}: {key} ({lang}) quotes {unknown}, not quantities of its preset")


def _scenes(presets: dict, texts: dict[str, dict]) -> list[dict]:
    scenes = _load(SCENES_JSON)
    for scene in scenes:
        if scene["preset"] not in presets:
            raise ValueError(f"scene {scene['id']} names no preset {scene['preset']!r}")
        trace = presets[scene["preset"]]["trace"] or {}
        for change in [b["set"] for b in scene.get("buttons", [])] + scene.get("beside", []):
            TraceConfig(**{**trace, **change})  # a widget's setting must be a trace the API accepts
        for button in scene.get("buttons", []):
            key = f"lesson.{scene['widget']}.{button['id']}"  # the button's words
            if missing := [lang for lang in LANGUAGES if not texts[lang].get(key)]:
                raise ValueError(f"scene {scene['id']}: {key} is missing in {missing}")
        known = set(presets[scene["preset"]]["quantities"])
        for lang in LANGUAGES:
            text = texts[lang].get(f"lesson.scene.{scene['id']}.text", "")
            if unknown := quoted(text) - known:
                raise ValueError(
                    f"scene {scene['id']} ({lang}) quotes {unknown}, not quantities of its preset"
                )
        if "question" in scene:
            _question(scene, presets[scene["preset"]], texts)
    return scenes


_TEXTS = {lang: words(lang) for lang in LANGUAGES}
PRESETS: dict[str, dict] = {p["name"]: _complete(p, _TEXTS) for p in _load(PRESETS_JSON)}
SCENES: list[dict] = _scenes(PRESETS, _TEXTS)
del _TEXTS


def train_preset(name: str = DEFAULT_TRAIN_PRESET) -> TrainConfig:
    """A preset's training run as a request: what the page's Train button and `gradflow experiment
    --preset` both train."""
    preset = PRESETS.get(name)
    if preset is None or preset["train"] is None:
        known = [n for n, p in PRESETS.items() if p["train"]]
        raise ValueError(f"no training preset named {name!r}; known: {', '.join(known)}")
    return TrainConfig(**preset["train"])
