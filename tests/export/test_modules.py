"""app/export/modules.js, the page's modules as one script, is exactly what the pinned esbuild builds from
static/js today: a change to static/js without `make bundle` fails here, naming that command.

esbuild runs from node_modules (`npm ci` installs the version package-lock.json pins), with the arguments
of package.json's "bundle" script, writing to stdout instead of the committed file.
"""

import json
import re
import shlex
import shutil
import subprocess
from itertools import zip_longest
from pathlib import Path

import pytest

from app.export.page import ENTRY, MODULES_JS
from app.paths import STATIC_DIR

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
REBUILD = "run `make bundle` (it runs `npm ci` and esbuild) and commit app/export/modules.js"


@pytest.fixture(scope="module")
def esbuild() -> str:
    """npm's launcher for the installed esbuild (node_modules/.bin/esbuild, or esbuild.cmd on Windows)."""
    found = shutil.which("esbuild", path=str(ROOT / "node_modules" / ".bin"))
    if found is None:
        pytest.fail(f"esbuild is not installed under node_modules: {REBUILD}")
    return found


def bundle_args() -> list[str]:
    """package.json's "bundle" script without its program name and its --outfile."""
    program, *args = shlex.split(PACKAGE["scripts"]["bundle"])
    assert program == "esbuild"
    outfile = [a for a in args if a.startswith("--outfile=")]
    assert outfile == ["--outfile=" + Path(MODULES_JS).relative_to(ROOT).as_posix()]
    return [a for a in args if not a.startswith("--outfile=")]


def test_esbuild_is_the_pinned_version(esbuild):
    pinned = PACKAGE["devDependencies"]["esbuild"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"pin esbuild exactly in package.json, not {pinned!r}"
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/esbuild"]["version"] == pinned
    ran = subprocess.run([esbuild, "--version"], capture_output=True, text=True, timeout=30)
    assert ran.stdout.strip() == pinned, f"node_modules holds esbuild {ran.stdout.strip()}: {REBUILD}"


def test_modules_js_is_what_esbuild_builds_from_static_js(esbuild):
    assert bundle_args()[0] == ENTRY.removeprefix("/")
    built = subprocess.run(
        [esbuild, *bundle_args()], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert built.returncode == 0, built.stderr
    committed = MODULES_JS.read_text(encoding="utf-8")
    if built.stdout != committed:
        # The first line that differs, not two 100 kB strings side by side.
        pairs = enumerate(zip_longest(built.stdout.splitlines(), committed.splitlines()), start=1)
        where = next((f"line {n}" for n, (new, old) in pairs if new != old), "line endings")
        pytest.fail(f"app/export/modules.js is older than static/js ({where} differs): {REBUILD}")


def test_modules_js_holds_every_module_of_the_page(esbuild, tmp_path):
    """esbuild's metafile lists the inputs of the bundle it builds (the committed one, by the test above):
    every file under static/js is one of them."""
    metafile = tmp_path / "meta.json"
    built = subprocess.run(
        [esbuild, *bundle_args(), f"--outfile={tmp_path / 'modules.js'}", f"--metafile={metafile}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    bundled = json.loads(metafile.read_text(encoding="utf-8"))["inputs"]
    on_disk = [p.relative_to(STATIC_DIR.parent).as_posix() for p in (STATIC_DIR / "js").rglob("*.js")]
    assert sorted(bundled) == sorted(on_disk)
