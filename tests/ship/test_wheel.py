"""Packaging: the wheel carries static/ and templates/, and an installed copy serves the whole page.

`python -m build --wheel` builds from this checkout; the wheel goes into a fresh virtualenv (no system
site-packages, dependencies from the package index); `gradflow serve` starts from that venv in an empty
directory on a free port, so nothing can be found through the checkout or the current directory.
"""

import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from app import __version__
from app.bench.api_latency import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page_files() -> list[str]:
    """static/ and templates/ as they are just before the build (the checkout may change afterwards)."""
    return sorted(
        p.relative_to(ROOT).as_posix()
        for d in ("static", "templates")
        for p in (ROOT / d).rglob("*")
        if p.is_file()
    )


@pytest.fixture(scope="module")
def wheel(page_files, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    wheels = list(out.glob("gradflow_lab-*.whl"))
    assert len(wheels) == 1, wheels
    print(f"\nwheel {wheels[0].name}: {wheels[0].stat().st_size / 1024:.1f} KiB")
    return wheels[0]


def _clean_env() -> dict[str, str]:
    """The caller's environment minus anything that could point Python back at this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "GRADFLOW_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        env=_clean_env(),
        capture_output=True,
        text=True,
    )
    return where


@pytest.fixture(scope="module")
def served(venv, tmp_path_factory, stop_group):
    """`gradflow serve` from the venv, started in an empty directory; yields (base_url, log file)."""
    cwd = tmp_path_factory.mktemp("elsewhere")
    log = cwd.parent / "serve.log"
    port = free_port()
    proc = subprocess.Popen(
        [str(venv / "bin" / "gradflow"), "serve", "--port", str(port)],
        cwd=cwd,
        env=_clean_env(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            assert proc.poll() is None, f"gradflow serve exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, "gradflow serve did not answer within 60 s"
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base, log
    finally:
        stop_group(proc, timeout=15)


def test_wheel_carries_every_static_and_template_file(wheel, page_files):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "templates/index.html" in page_files
    assert "static/css/app.css" in page_files
    assert [f for f in page_files if f"app/{f}" not in names] == []
    assert "app/main.py" in names
    entry_points = (
        zipfile.ZipFile(wheel).read(f"gradflow_lab-{__version__}.dist-info/entry_points.txt").decode()
    )
    assert "gradflow = app.cli:main" in entry_points


def test_wheel_installed_copy_is_the_one_that_runs(venv):
    out = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import app.paths as p; print(p.STATIC_DIR); print(p.TEMPLATES_DIR)",
        ],
        cwd=venv.parent,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    site = venv / "lib"
    for found in out:
        assert Path(found).is_relative_to(site), f"{found} is not inside the venv"
        assert not Path(found).is_relative_to(ROOT)


def test_wheel_serve_page(served):
    base, _ = served
    r = httpx.get(base + "/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<title>Gradient Flow Lab</title>" in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "media_type"), [("css/app.css", "text/css"), ("js/main.js", "text/javascript")]
)
def test_wheel_serve_static_file(wheel, served, path, media_type):
    base, _ = served
    r = httpx.get(base + "/static/" + path)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    assert r.content == zipfile.ZipFile(wheel).read("app/static/" + path)


def test_wheel_serve_plotly_script(served):
    base, _ = served
    page = httpx.get(base + "/").text
    src = re.search(r'<script[^>]* src="(/vendor/plotly-cartesian-[0-9.]+\.min\.js)"', page)
    assert src, "the page does not load Plotly from /vendor"
    r = httpx.get(base + src.group(1))
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == "text/javascript"
    assert "immutable" in r.headers["cache-control"]
    assert len(r.content) > 1_000_000
    assert b"plotly.js (cartesian - minified) v" in r.content[:200]  # vendored in app/vendor/


def test_wheel_serve_health(served):
    base, _ = served
    r = httpx.get(base + "/api/health")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["status"] == "ok"
    assert r.json()["version"] == __version__


def test_wheel_serve_prints_the_url(served):
    base, log = served
    assert log.read_text().splitlines()[0] == f"Gradient Flow Lab: open {base}/"
