"""What an exported file must hold: the API requests of each view it opens on, from the data /api/meta serves.

A view is a set of values keyed as a page link keys them (each parameter's `key` in /api/meta, which the
page's state reads too): a preset's trace and training run (complete configurations, the training run's
first so that the trace's values win where the two share a field, as on the page), then a share link's own
values on top. A `lesson=N` link with no settings of its own starts from scene N's preset. A request takes
the values of the fields it has, every other field its default, so a request here is a whole configuration;
the file's offline.js fills the page's own requests (only what differs from the defaults) with the same
defaults to find their answers.

Beside a view, the file holds what its preset compares it with (`compare`) and, on a lesson scene, what the
scene's widget asks for (`buttons` and `beside` in static/lesson/scenes.json).
"""

import math
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit


@dataclass
class View:
    """The requests one view of the page makes: its trace, gradient check and (optionally) training run,
    plus traces it draws beside them. `preset` is the preset it starts from (the file's menu offers it)."""

    trace: dict
    gradcheck: dict
    train: dict | None = None
    extra_traces: list[dict] = field(default_factory=list)
    preset: str | None = None
    label: str = "the view"


def _specs(meta: dict) -> dict[str, dict]:
    """Every parameter by its link key."""
    return {spec["key"]: spec for params in meta["parameters"].values() for spec in params.values()}


def request(meta: dict, endpoint: str, values: dict) -> dict:
    """The whole configuration `endpoint` is asked for: each field's value in `values`, or its default."""
    params = meta["parameters"][endpoint]
    return {name: values.get(spec["key"], spec["default"]) for name, spec in params.items()}


def keyed(meta: dict, endpoint: str, config: dict | None) -> dict:
    """A request body of `endpoint` (a preset's configuration, a widget's change) as values by link key."""
    params = meta["parameters"][endpoint]
    return {params[name]["key"]: value for name, value in (config or {}).items()}


def preset_values(meta: dict, name: str) -> dict:
    preset = next(p for p in meta["presets"] if p["name"] == name)
    return keyed(meta, "train", preset["train"]) | keyed(meta, "trace", preset["trace"])


_EXPECTED = {"integer": "a whole number", "number": "a finite number", "boolean": "true, false, 1 or 0"}


def _typed(key: str, spec: dict, raws: list[str]):
    """A link's value as its parameter's type; a value that is not of that type is refused, naming it."""
    if spec["type"] == "array":
        return [raw for raw in raws if raw != ""]
    raw = raws[-1]
    if raw == "" and (spec.get("nullable") or spec.get("default") is None):
        return None
    kind = spec["type"]
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            value = float(raw)
            if math.isfinite(value):
                return value
            raise ValueError
        if kind == "boolean":
            return {"true": True, "1": True, "false": False, "0": False}[raw]
    except (ValueError, KeyError):
        raise ValueError(f"the link's {key}={raw!r} is not {_EXPECTED[kind]}") from None
    return raw


def scene_number(value, count: int) -> int | None:
    """The scene a `lesson` value opens, 1…count (sceneNumber in static/js/lesson/scenes.js); None for none."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x) or count == 0:
        return None
    return min(max(math.floor(x + 0.5), 1), count)


def query_of(url: str) -> str:
    """The query of a share URL (a whole link, a path with a query, or the query itself)."""
    if "?" not in url and "=" in url:
        return url
    return urlsplit(url).query


def view(meta: dict, values: dict, preset: str | None, with_training: bool, label: str) -> View:
    """The requests of the view `values` show; it trains when its preset does or a training-only field is set."""
    found = next((p for p in meta["presets"] if p["name"] == preset), None)
    train_only = {spec["key"] for spec in meta["parameters"]["train"].values()} - {
        spec["key"] for endpoint in ("trace", "gradcheck") for spec in meta["parameters"][endpoint].values()
    }
    trains = bool(found and found["train"]) or bool(train_only & set(values))
    return View(
        trace=request(meta, "trace", values),
        gradcheck=request(meta, "gradcheck", values),
        train=request(meta, "train", values) if with_training and trains else None,
        extra_traces=[
            request(meta, "trace", keyed(meta, "trace", c["trace"])) for c in (found or {}).get("compare", [])
        ],
        preset=preset,
        label=label,
    )


def scene_views(meta: dict, scene: dict, base: View, values: dict) -> list[View]:
    """The view of a lesson scene with what its widget asks for: a trace beside it (`beside`), and the view
    each of its buttons sets (`buttons`; pressing one drops the preset's name, as moving any control does)."""
    for change in scene.get("beside", []):
        base.extra_traces.append(request(meta, "trace", values | keyed(meta, "trace", change)))
    pressed = []
    for button in scene.get("buttons", []):
        said = ", ".join(f"{name} = {value}" for name, value in button["set"].items())
        changed = values | keyed(meta, "trace", button["set"])
        pressed.append(view(meta, changed, None, with_training=False, label=f"{base.label} with {said}"))
    return [base, *pressed]


def link_views(meta: dict, query: str, with_training: bool) -> list[View]:
    """The views a page opened on `?query` shows: the link's own, and its lesson scene's widget's, if any."""
    pairs = parse_qsl(query, keep_blank_values=True)
    raws: dict[str, list[str]] = {}
    for key, raw in pairs:
        raws.setdefault(key, []).append(raw)
    specs = _specs(meta)
    own = {key: _typed(key, specs[key], found) for key, found in raws.items() if key in specs}
    preset = (raws.get("preset") or [""])[-1] or None
    names = [p["name"] for p in meta["presets"]]
    if preset is not None and preset not in names:
        raise ValueError(f"no preset named {preset!r}; known: {', '.join(sorted(names))}")
    scenes = meta["scenes"]
    n = scene_number((raws.get("lesson") or [None])[-1], len(scenes))
    scene = scenes[n - 1] if n else None
    if scene and "preset" not in raws and not own:
        preset = scene["preset"]
    values = (preset_values(meta, preset) if preset else {}) | own
    label = (
        preset
        if preset and not own
        else (f"{preset} as the link changed it" if preset else "the link's view")
    )
    base = view(meta, values, preset, with_training, label)
    return scene_views(meta, scene, base, values) if scene else [base]


def views_for(
    meta: dict, *, preset: str | None, url: str | None, lesson: bool, with_training: bool
) -> tuple[str, list[View]]:
    """(the query the file opens on, every view it must hold) for an export of a preset or a share URL,
    and every lesson scene when `lesson`."""
    if url is not None:
        start = query_of(url)
    elif preset is not None:
        start = f"preset={preset}"
    else:
        start = "lesson=1"
    views = link_views(meta, start, with_training)
    if lesson:
        for n in range(1, len(meta["scenes"]) + 1):
            views += link_views(meta, f"lesson={n}", with_training)
    return "?" + start if start else "", views
