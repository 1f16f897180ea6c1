"""The lesson's questions: which choice of a scene's question is correct, decided by the computation.

A scene of static/lesson/scenes.json may carry `"question": {"choices": [{"id", "when": claim}, ...]}`
(validated at start-up in app/web/payloads/presets.py). Nothing says which choice is right: each `when` is a claim
over the scene preset's quantities (app/web/payloads/claims.py), and the correct choice is the one whose claim holds
on the preset's own payloads, computed through the result cache like every other request. The data is
written so that exactly one holds (tests/web/live/test_questions.py evaluates them all).
"""

import logging

from fastapi import Request

from app.web.payloads.claims import OPS, quantity
from app.web.payloads.presets import PRESETS, SCENES
from app.web.payloads.train_run import start_payload
from app.web.routes.trace import cached_trace
from app.web.routes.train import cached_run
from app.web.schemas import TraceConfig, TrainConfig

log = logging.getLogger("gradflow.api")

QUESTIONS: dict[str, dict] = {s["id"]: s["question"] for s in SCENES if "question" in s}
PRESET_OF: dict[str, str] = {s["id"]: s["preset"] for s in SCENES}


def choices_holding(scene: str, payloads: dict) -> list[str]:
    """The ids of the scene's choices whose `when` holds on `payloads` ({"trace", "compare", "train"})."""
    specs = PRESETS[PRESET_OF[scene]]["quantities"]
    held = []
    for choice in QUESTIONS[scene]["choices"]:
        claim = choice["when"]
        left = quantity(specs[claim["left"]], payloads)
        right = quantity(specs[claim["right"]], payloads) if "right" in claim else float(claim["value"])
        if OPS[claim["op"]](left, claim.get("times", 1) * right):
            held.append(choice["id"])
    return held


def needs(scene: str) -> set[str]:
    """Which payloads the scene's choices read: "trace", "compare", "train"."""
    specs = PRESETS[PRESET_OF[scene]]["quantities"]
    names = {
        c["when"][side]
        for c in QUESTIONS[scene]["choices"]
        for side in ("left", "right")
        if side in c["when"]
    }
    kinds = set()
    for name in names:
        spec = specs[name]
        kinds.add("train" if spec["of"] == "final" else "compare" if "variant" in spec else "trace")
    return kinds


async def scene_payloads(request: Request, scene: str) -> dict:
    """The preset's payloads that the scene's choices need, from the cache or computed once."""
    preset = PRESETS[PRESET_OF[scene]]
    kinds = needs(scene)
    payloads: dict = {"compare": []}
    if preset["trace"] is not None and kinds & {"trace", "compare", "train"}:
        payloads["trace"] = (await cached_trace(request, TraceConfig(**preset["trace"])))[0].payload
    if "compare" in kinds:
        for variant in preset["compare"]:
            payloads["compare"].append(
                (await cached_trace(request, TraceConfig(**variant["trace"])))[0].payload
            )
    if "train" in kinds:
        config = TrainConfig(**preset["train"])
        run, _ = await cached_run(request, config)
        payloads["train"] = run.snapshots[-1]
        payloads.setdefault("trace", start_payload(config))
    return payloads


async def correct_choice(request: Request, scene: str) -> str | None:
    """The id of the one choice that holds; None (and a logged error) if the data were ever wrong."""
    held = choices_holding(scene, await scene_payloads(request, scene))
    if len(held) != 1:
        log.error("scene %s: %d choices hold (%s), not exactly one", scene, len(held), held)
        return None
    return held[0]
