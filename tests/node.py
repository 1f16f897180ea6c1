"""Running the page's own ES modules in Node.js from a test: a script imports a module (by its file: URL),
reads JSON on stdin and writes JSON on stdout. Node.js is required: without it the test fails, never skips."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

NODE = shutil.which("node")


def module_url(path: Path) -> str:
    """`path` as the quoted file: URL a script's `import … from %s` takes."""
    return json.dumps(path.as_uri())


def run_module_script(script: str, data, what: str):
    """Run `script` (ES module source) in Node.js with `data` as JSON on stdin, and read its stdout as JSON.
    `what` names what is tested, for the message when Node.js is missing."""
    if NODE is None:
        pytest.fail(f"{what} need Node.js to be tested (apt-get install nodejs)")
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)
