"""Which requests a view of the page makes: a share URL (or a preset, or a lesson scene) read as the page reads it.

The page keeps its whole state in the URL (static/js/state.js): one table of parameters built from
/api/meta, each with the name it has in the URL (`key`) and in the API's requests (`name`); `preset=NAME`
starts from that preset's configurations and the link's own values win; a `lesson=N` link with no
configuration of its own starts from scene N's preset (static/js/lesson/lesson.js). The body of a request
is the values of the parameters that request takes. This module follows those rules step by step, so that
an export asks the API exactly what the page will ask when the file is opened.

The lesson's scenes are those of static/lesson/scenes.json, as the API serves them (app.web.presets).
"""

import json
import math
import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlsplit

PAGE_PARAMS = {  # as PAGE_PARAMS in static/js/state.js: the page's own parameters, in no request
    "lang": {"type": "string", "default": None},
    "projection": {"type": "boolean", "default": False},
    "preset": {"type": "string", "default": None},
    "lesson": {"type": "integer", "default": None},
}

# What the lesson's widgets (static/js/lesson/widgets.js) ask for beyond their scene's preset: the
# "exploding" button of the spectral-radius scene sets ρ = 2 (its "vanishing" button, ρ = 0.9, is the
# preset itself), and the truncation scene draws full BPTT next to the truncated pass.
LESSON_CHANGES = {"spectral-radius-bound": [{"spectral_radius": 2.0}]}
LESSON_FULL_BPTT = {"truncated-bptt-cut"}


def lesson_presets() -> list[str]:
    """The preset of each lesson scene, in scene order."""
    from app.web.presets import SCENES

    return [scene["preset"] for scene in SCENES]


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _same_spec(a: dict, b: dict) -> bool:
    return all(_same(a.get(k), b.get(k)) for k in ("type", "default", "minimum", "maximum", "nullable"))


def build_table(meta: dict) -> dict[str, dict]:
    """buildTable of state.js: one row per parameter, keyed by its name in the URL."""
    table: dict[str, dict] = {}
    for endpoint, params in meta["parameters"].items():
        for name, spec in params.items():
            shared = table.get(name)
            key = name if shared is None or _same_spec(shared, spec) else f"{endpoint}_{name}"
            table.setdefault(key, {**spec, "key": key, "name": name, "endpoints": []})
            table[key]["endpoints"].append(endpoint)
    for key, spec in PAGE_PARAMS.items():
        table[key] = {**spec, "key": key, "name": key, "endpoints": []}
    return table


def _parse(spec: dict, raw: str):
    """A URL value as its parameter's type (parse in state.js); text that does not parse stays text."""
    if raw == "" and (spec.get("nullable") or spec.get("default") is None):
        return None
    kind = spec.get("type")
    if kind == "integer":
        return int(raw) if re.fullmatch(r"[+-]?[0-9]+", raw) else raw
    if kind == "number":
        try:
            value = float(raw) if "_" not in raw else None
        except ValueError:
            value = None
        return value if value is not None and math.isfinite(value) else raw
    if kind == "boolean":
        return {"true": True, "1": True, "false": False, "0": False}.get(raw, raw)
    return raw


@dataclass
class State:
    """The page's State: the values that differ from their defaults."""

    meta: dict
    table: dict = field(init=False)
    values: dict = field(default_factory=dict)

    def __post_init__(self):
        self.table = build_table(self.meta)

    def get(self, key: str):
        return self.values.get(key, self.table[key].get("default"))

    def set(self, key: str, value) -> None:
        if _same(value, self.table[key].get("default")):
            self.values.pop(key, None)
        else:
            self.values[key] = value

    def key_of(self, endpoint: str, name: str) -> str | None:
        for row in self.table.values():
            if row["name"] == name and endpoint in row["endpoints"]:
                return row["key"]
        return None

    def apply(self, endpoint: str, config: dict | None) -> None:
        for name, value in (config or {}).items():
            key = self.key_of(endpoint, name)
            if key:
                self.set(key, value)

    def read_query(self, query: str, merge: bool = False) -> None:
        pairs = parse_qsl(query, keep_blank_values=True)
        if not merge:
            self.values = {}
        for key in dict.fromkeys(k for k, _ in pairs):
            spec = self.table.get(key)
            if spec is None:
                continue
            raws = [v for k, v in pairs if k == key]
            value = [r for r in raws if r != ""] if spec.get("type") == "array" else _parse(spec, raws[-1])
            self.set(key, value)

    def apply_preset(self, name: str | None) -> None:
        preset = next((p for p in self.meta["presets"] if p["name"] == name), None)
        self.values = {k: v for k, v in self.values.items() if k in PAGE_PARAMS}
        if preset:
            self.apply("train", preset.get("train"))
            self.apply("trace", preset.get("trace"))
        self.set("preset", name if preset else None)

    def request(self, endpoint: str) -> dict:
        """The body the page sends to `endpoint`: the non-default values of the parameters it takes."""
        return {
            self.table[key]["name"]: value
            for key, value in self.values.items()
            if endpoint in self.table[key]["endpoints"]
        }


def scene_number(value, count: int) -> int | None:
    """The scene a `lesson` value opens, 1…count (sceneNumber in static/js/lesson/scenes.js); None for none."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x) or count == 0:
        return None
    return min(max(math.floor(x + 0.5), 1), count)


def state_of(meta: dict, query: str, scenes: list[str] | None = None) -> State:
    """The state the page is in after opening `?query` (main.js start, then the lesson's init)."""
    state = State(meta)
    state.read_query(query)
    if state.get("preset"):
        state.apply_preset(state.get("preset"))
        state.read_query(query, merge=True)
    n = scene_number(state.get("lesson"), len(scenes or []))
    if n is not None:
        keys = {k for k, _ in parse_qsl(query, keep_blank_values=True)}
        configured = any(state.table.get(k, {}).get("endpoints") for k in keys)
        if not configured and "preset" not in keys:
            state.apply_preset(scenes[n - 1])
        state.set("lesson", n)
    return state


def query_of(url: str) -> str:
    """The query of a share URL (a whole link, a path with a query, or the query itself)."""
    if "?" not in url and "=" in url:
        return url
    return urlsplit(url).query


@dataclass
class View:
    """The requests one view of the page makes: its trace, gradient check and (optionally) training run,
    plus traces it draws beside them (a preset's comparisons, the lesson's full-BPTT line)."""

    trace: dict
    gradcheck: dict
    train: dict | None = None
    extra_traces: list[dict] = field(default_factory=list)
    preset: str | None = None
    label: str = "the view"


def _model_values(state: State) -> dict:
    return {k: v for k, v in state.values.items() if k not in PAGE_PARAMS}


def view_of(state: State, with_training: bool) -> View:
    """The view's requests. `preset` is the preset the view starts from (the page must find it in /api/meta
    to rebuild the view from a link); the label says whether the view is that preset as it stands."""
    preset = next((p for p in state.meta["presets"] if p["name"] == state.get("preset")), None)
    whole = None
    if preset:
        fresh = State(state.meta)
        fresh.apply_preset(preset["name"])
        whole = preset["name"] if _same(_model_values(fresh), _model_values(state)) else None
    trains_only = {k for k, row in state.table.items() if row["endpoints"] == ["train"]}
    wants_training = bool(preset and preset.get("train")) or any(k in trains_only for k in state.values)
    return View(
        trace=state.request("trace"),
        gradcheck=state.request("gradcheck"),
        train=state.request("train") if with_training and wants_training else None,
        extra_traces=[c["trace"] for c in (preset or {}).get("compare", [])],
        preset=preset["name"] if preset else None,
        label=whole or (f"{preset['name']} as the link changed it" if preset else "the link's view"),
    )


def views_for(
    meta: dict, *, preset: str | None, url: str | None, lesson: bool, with_training: bool
) -> tuple[str, list[View]]:
    """(the query the file opens on, every view it must hold) for an export of a preset or a share URL,
    and every lesson scene when `lesson`."""
    names = {p["name"] for p in meta["presets"]}
    if preset is not None and preset not in names:
        raise ValueError(f"no preset named {preset!r}; known: {', '.join(sorted(names))}")
    scenes = lesson_presets()
    if unknown := [name for name in scenes if name not in names]:
        raise ValueError(f"lesson scenes name unknown presets: {', '.join(unknown)}")
    if url is not None:
        start = query_of(url)
    elif preset is not None:
        start = f"preset={preset}"
    else:
        start = "lesson=1"
    views = views_of(state_of(meta, start, scenes), scenes, with_training)
    if lesson:
        for n in range(1, len(scenes) + 1):
            views += views_of(state_of(meta, f"lesson={n}", scenes), scenes, with_training)
    return "?" + start if start else "", views


def views_of(state: State, scenes: list[str], with_training: bool) -> list[View]:
    """The view of a state and, when it shows a lesson scene, what that scene's widget asks for besides."""
    view = view_of(state, with_training)
    views = [view]
    n = scene_number(state.get("lesson"), len(scenes))
    scene = scenes[n - 1] if n else None
    if scene in LESSON_FULL_BPTT:
        view.extra_traces.append({**view.trace, "truncate": None})
    for change in LESSON_CHANGES.get(scene, []):
        changed = replace(state, values=dict(state.values))
        for key, value in change.items():
            changed.set(key, value)
        changed.set("preset", None)  # a control moved: the page drops the preset's name
        said = ", ".join(f"{key} = {value}" for key, value in change.items())
        views.append(replace(view_of(changed, with_training=False), label=f"{view.label} with {said}"))
    return views
