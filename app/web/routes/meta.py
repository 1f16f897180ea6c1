"""GET /api/meta and the presets: what the page builds its controls from.

Kinds, tasks (sizes, output, loss, baseline and threshold with what they mean, their own parameters),
the lesson presets and scenes, and every request parameter's type, default, bounds and description, generated from
the schemas, so the page never holds a copy that could drift from what the server accepts. Each parameter also
has its `key`: its name in a page link, which the page's state (static/js/state.js) and the export
(app/export/views.py) both read from here.
"""

from fastapi import APIRouter, HTTPException, Request

from app import __version__
from app.core import KINDS
from app.core.tasks import TASKS
from app.web.infrastructure.encode import JSONResponse
from app.web.payloads.presets import PRESETS, SCENES
from app.web.schemas import GradcheckConfig, TraceConfig, TrainConfig, parameters

router = APIRouter(prefix="/api", tags=["meta"])


def link_keys(parameters: dict[str, dict[str, dict]]) -> dict[str, dict[str, dict]]:
    """Each request's parameters with their `key`, the name a page link gives them. A field that several
    requests take with the same type, default, bounds and nullability is one parameter under its own name (T,
    H, seed…), so a link sets it for all of them; a field whose spec differs from the one already named is
    `<request>_<name>` (the training batch, up to 256, is `train_batch`; the traced batch, up to 64, `batch`)."""
    first: dict[str, dict] = {}
    out: dict[str, dict[str, dict]] = {}
    for endpoint, params in parameters.items():
        out[endpoint] = {}
        for name, spec in params.items():
            shared = first.setdefault(name, spec)
            same = all(
                shared.get(k) == spec.get(k) for k in ("type", "default", "minimum", "maximum", "nullable")
            )
            out[endpoint][name] = {**spec, "key": name if same else f"{endpoint}_{name}"}
    return out


def meta_payload(settings) -> dict:
    return {
        "version": __version__,
        "kinds": list(KINDS),
        "tasks": {name: task.describe() for name, task in TASKS.items()},
        "presets": list(PRESETS.values()),
        "scenes": SCENES,
        "parameters": link_keys(
            {
                "trace": parameters(TraceConfig),
                "train": parameters(TrainConfig),
                "gradcheck": parameters(GradcheckConfig),
            }
        ),
        "limits": {
            "work_budget": settings.work_budget,
            "max_concurrent": settings.max_concurrent,
            "cache_entries": settings.cache_entries,
        },
    }


@router.get("/meta", summary="Kinds, tasks, presets and every parameter's default, bounds and description")
def meta(request: Request) -> JSONResponse:
    return JSONResponse(meta_payload(request.app.state.settings))


@router.get("/presets", summary="The lesson presets, each with complete configurations")
def presets() -> JSONResponse:
    return JSONResponse({"presets": list(PRESETS.values())})


@router.get(
    "/presets/{name}", summary="One lesson preset", responses={404: {"description": "No such preset."}}
)
def preset(name: str) -> JSONResponse:
    if name not in PRESETS:
        raise HTTPException(404, f"no preset named {name!r}; known: {', '.join(PRESETS)}")
    return JSONResponse(PRESETS[name])
