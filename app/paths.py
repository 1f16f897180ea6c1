"""Where the page's files are: inside the installed package, or at the top of a source checkout.

The repository keeps `static/` and `templates/` at its top level; the wheel copies them into `app/`
(see pyproject's force-include). Looking in the package first makes an installed copy independent of
whatever directory it is started from.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder next to or inside {_PACKAGE}")


STATIC_DIR = _find("static")
TEMPLATES_DIR = _find("templates")
