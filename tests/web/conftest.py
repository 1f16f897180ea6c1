"""The page's scripts as a JavaScript parser reads them (tests/web/strings.mjs, run in Node.js with the acorn
that package.json pins), so that a test of the words a script names never pattern-matches source text."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.paths import STATIC_DIR

ROOT = Path(__file__).resolve().parents[2]
INSTALL = "run `npm ci` (package.json pins acorn, the parser the tests read the page's scripts with)"


@pytest.fixture(scope="session")
def script_strings() -> dict[str, dict[str, list[str]]]:
    """{path under static/js: {"calls": keys passed to t(…), "strings": every plain string}} for every script."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("reading the page's scripts needs Node.js (apt-get install nodejs)")
    if not (ROOT / "node_modules" / "acorn").is_dir():
        pytest.fail(f"acorn is not installed under node_modules: {INSTALL}")
    scripts = sorted((STATIC_DIR / "js").rglob("*.js"))
    done = subprocess.run(
        [node, str(Path(__file__).with_name("strings.mjs")), *map(str, scripts)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    return {Path(path).relative_to(STATIC_DIR / "js").as_posix(): lists for path, lists in found.items()}
