"""The Dockerfile: build it, run its own command unchanged, and probe the server from outside.

There is no Docker engine on the CI machines and no registry to pull `python:3.11-slim` from, so this uses
buildah with chroot isolation and a stand-in base image made with debootstrap (Debian 12's Python 3.11)
and tagged with exactly the name the Dockerfile's FROM uses; the Dockerfile keeps to what both that and the
official image have. The stand-in's tarball is cached in ~/.cache/gradflow-docker-base between local runs
($GRADFLOW_DOCKER_BASE_CACHE moves it). A base image already in the local store (the real one, or a stand-in
from an earlier run) is used as it is.

`buildah run` shares the host's network, so the container's server answers on 127.0.0.1. Its port comes from
GRADFLOW_PORT, set for the run to a free port: the image's default, 8000, may be taken on a shared machine.

Without buildah, podman, debootstrap or root this skips on a laptop and fails when CI is "true".
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from packaging.utils import canonicalize_name

from app import __version__
from app.bench.api_latency import free_port
from app.web.infrastructure.security import PAGE_CSP

ROOT = Path(__file__).resolve().parents[2]
BASE_CACHE = Path(
    os.environ.get("GRADFLOW_DOCKER_BASE_CACHE", Path.home() / ".cache" / "gradflow-docker-base")
).expanduser()
STANDIN_PACKAGES = "python3,python3-venv,python3-pip,ca-certificates"

pytestmark = pytest.mark.slow


def _unavailable(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"the Docker image cannot be checked in CI: {why}")
    pytest.skip(why)


def base_image_name() -> str:
    """The FROM of the Dockerfile's last stage, as buildah names it (docker.io/library/...)."""
    froms = re.findall(r"^FROM\s+(\S+)", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert froms, "the Dockerfile has no FROM"
    assert len(set(froms)) == 1, f"every stage should start from the same base: {froms}"
    name = froms[0]
    if "/" not in name.split(":")[0]:
        name = "docker.io/library/" + name
    return name


def debian_mirror() -> str:
    """The Debian mirror apt already uses here (deb822 .sources files or the classic sources.list)."""
    apt = Path("/etc/apt")
    for f in sorted(apt.glob("sources.list.d/*.sources")):
        for stanza in f.read_text().split("\n\n"):
            if re.search(r"^Suites:.*\bbookworm\b(?!-)", stanza, flags=re.MULTILINE):
                if m := re.search(r"^URIs:\s*(\S+)", stanza, flags=re.MULTILINE):
                    return m.group(1)
    for f in [apt / "sources.list", *sorted(apt.glob("sources.list.d/*.list"))]:
        if f.exists() and (
            m := re.search(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+bookworm\s", f.read_text(), re.M)
        ):
            return m.group(1)
    return "http://deb.debian.org/debian"


class Buildah:
    """buildah and podman with the configuration that works on these machines."""

    def __init__(self, conf_dir: Path) -> None:
        conf = conf_dir / "containers.conf"
        # crun cannot set the default ulimits here; with none asked for, builds and runs work.
        conf.write_text("[containers]\ndefault_ulimits = []\n")
        self.env = os.environ | {"CONTAINERS_CONF": str(conf)}

    def __call__(self, *args: str, tool: str = "buildah", timeout: float = 1800) -> str:
        done = subprocess.run(
            [tool, *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise AssertionError(
                f"{tool} {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-4000:]}"
            )
        return done.stdout

    def has_image(self, name: str) -> bool:
        return (
            subprocess.run(
                ["buildah", "inspect", "--type", "image", name],
                env=self.env,
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )

    def popen(self, *args: str, log: Path) -> subprocess.Popen:
        return subprocess.Popen(
            ["buildah", *args],
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def make_standin_tarball(tarball: Path) -> None:
    """Debian 12's Python 3.11 in a minimal root file system, shaped like python:3.11-slim where it matters."""
    with tempfile.TemporaryDirectory(prefix="gradflow-base-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={STANDIN_PACKAGES}",
                "bookworm",
                str(rootfs),
                debian_mirror(),
            ],
            check=True,
            capture_output=True,
            timeout=1200,
        )
        (rootfs / "usr/bin/python").unlink(missing_ok=True)
        (rootfs / "usr/bin/python").symlink_to("python3")
        (rootfs / "usr/lib/python3.11/EXTERNALLY-MANAGED").unlink(missing_ok=True)
        # pip inside the build reaches the package index the way the host does
        host_certs = Path("/etc/ssl/certs/ca-certificates.crt")
        if host_certs.exists():
            shutil.copyfile(host_certs, rootfs / "etc/ssl/certs/ca-certificates.crt")
        shutil.rmtree(rootfs / "var/cache/apt/archives", ignore_errors=True)
        tarball.parent.mkdir(parents=True, exist_ok=True)
        partial = tarball.with_suffix(f".{os.getpid()}.partial")  # two runs at once never share a file
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(partial), "."], check=True)
        partial.replace(tarball)


@pytest.fixture(scope="module")
def buildah(tmp_path_factory):
    missing = [t for t in ("buildah", "podman", "debootstrap") if shutil.which(t) is None]
    if missing:
        _unavailable(f"missing {', '.join(missing)} (apt-get install buildah podman debootstrap)")
    if os.geteuid() != 0:
        _unavailable("buildah with chroot isolation and debootstrap need root here")
    return Buildah(tmp_path_factory.mktemp("containers"))


@pytest.fixture(scope="module")
def base_image(buildah) -> str:
    name = base_image_name()
    if buildah.has_image(name):
        print(f"\nbase image {name}: already in the local store")
        return name
    # Debian 12 carries Python 3.11: a stand-in for another Python would test the wrong interpreter.
    assert name.split(":")[-1].startswith("3.11-"), f"no stand-in for {name}; pull or load the real image"
    tarball = BASE_CACHE / ("standin-" + re.sub(r"[^A-Za-z0-9.]+", "-", name.split("/")[-1]) + ".tar")
    started = time.monotonic()
    if not tarball.exists():
        make_standin_tarball(tarball)
    buildah("import", str(tarball), name, tool="podman")
    print(f"\nbase image {name}: stand-in ready in {time.monotonic() - started:.0f} s ({tarball})")
    return name


STATIC_PROBES = {"css/app.css": "text/css", "js/main.js": "text/javascript"}


@pytest.fixture(scope="module")
def image(buildah, base_image):
    """The built image: its tag, and the probed static files as they were when the build began (the
    checkout may change while the build runs)."""
    tag = f"localhost/gradflow-lab:test-{os.getpid()}"
    static = {path: (ROOT / "static" / path).read_bytes() for path in STATIC_PROBES}
    started = time.monotonic()
    # --format docker keeps HEALTHCHECK in the image config (the OCI format has no field for it)
    buildah("bud", "--pull=never", "--isolation", "chroot", "--format", "docker", "-t", tag, str(ROOT))
    print(f"\nimage {tag}: built in {time.monotonic() - started:.0f} s")
    yield SimpleNamespace(tag=tag, static=static)
    buildah("rmi", "--force", tag)


@pytest.fixture(scope="module")
def config(buildah, image) -> dict:
    return json.loads(buildah("inspect", "--type", "image", image.tag))["Docker"]["config"]


@pytest.fixture(scope="module")
def container(buildah, image):
    name = f"gradflow-test-{os.getpid()}"
    buildah("from", "--pull=never", "--name", name, image.tag)
    yield name
    buildah("rm", name)


@pytest.fixture(scope="module")
def served(buildah, container, config, tmp_path_factory, stop_group):
    """The image's own CMD, unchanged, in the container; yields the base URL seen from outside."""
    command = (config.get("Entrypoint") or []) + (config.get("Cmd") or [])
    port = free_port()
    log = tmp_path_factory.mktemp("docker-run") / "server.log"
    run = ["run", "--isolation", "chroot", "-e", f"GRADFLOW_PORT={port}", container, "--", *command]
    proc = buildah.popen(*run, log=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            assert proc.poll() is None, f"the container's server exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no answer within 90 s:\n{log.read_text()}"
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base, port, proc, log
    finally:
        stop_group(proc, timeout=20)


def test_docker_image_config(config):
    assert not config.get("Entrypoint")
    assert config["Cmd"] == ["gradflow", "serve"]
    assert config["User"].split(":")[0] in ("gradflow", "10001")
    assert "8000/tcp" in config["ExposedPorts"]
    env = dict(e.split("=", 1) for e in config["Env"])
    assert env["GRADFLOW_HOST"] == "0.0.0.0"
    assert env["GRADFLOW_PORT"] == "8000"
    check = config["Healthcheck"]["Test"]
    assert check[0] == "CMD" and check[1] == "python"


def test_docker_installed_package_not_sources(buildah, container):
    """The command runs as the image's user, from the installed package; no sources, no build tools."""
    probe = (
        "import importlib.util as u, json, os, app.paths;"
        "print(json.dumps({'uid': os.getuid(), 'static': str(app.paths.STATIC_DIR),"
        " 'tools': [m for m in ('pip', 'setuptools', 'hatchling') if u.find_spec(m)],"
        " 'sources': [p for p in ('/src', '/tests', '/opt/gradflow/tests') if os.path.exists(p)]}))"
    )
    out = json.loads(buildah("run", "--isolation", "chroot", container, "--", "python", "-c", probe))
    assert out["uid"] == 10001
    assert out["static"] == "/opt/gradflow/lib/python3.11/site-packages/app/static"
    assert out["tools"] == []
    assert out["sources"] == []


def test_docker_installs_exactly_the_locked_versions(buildah, container, lock):
    """The image's venv holds the pins of requirements.lock that apply in it, at their versions, and nothing
    else besides the package itself (its markers are evaluated with the image's own Python)."""
    probe = (
        "import importlib.metadata as m, json, packaging.markers as k;"
        "print(json.dumps({'installed': {d.metadata['Name']: d.version for d in m.distributions()},"
        " 'environment': k.default_environment()}))"
    )
    out = json.loads(buildah("run", "--isolation", "chroot", container, "--", "python", "-c", probe))
    installed = {canonicalize_name(name): v for name, v in out["installed"].items()}
    locked = {
        pin.name: pin.version for pin in lock if pin.marker is None or pin.marker.evaluate(out["environment"])
    }
    assert installed == locked | {"gradflow-lab": __version__}


def test_docker_builds_the_wheel_with_the_locked_backend(buildah, container, build_lock):
    """The installed package's WHEEL file names the backend that built it: build.lock's hatchling."""
    probe = "import importlib.metadata as m; print(m.distribution('gradflow-lab').read_text('WHEEL'))"
    wheel = buildah("run", "--isolation", "chroot", container, "--", "python", "-c", probe)
    generator = next(
        line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Generator:")
    )
    (hatchling,) = [pin.version for pin in build_lock if pin.name == "hatchling"]
    assert generator == f"hatchling {hatchling}"


def test_docker_serves_page(served):
    base, _, _, log = served
    r = httpx.get(base + "/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<title>Gradient Flow Lab</title>" in r.text
    assert r.headers["content-security-policy"] == PAGE_CSP
    # the image's CMD binds every interface and says where to look
    assert "Uvicorn running on http://0.0.0.0:" in log.read_text()


def test_docker_serves_plotly_script(served):
    base = served[0]
    src = re.search(
        r'<script[^>]* src="(/vendor/plotly-cartesian-[0-9.]+\.min\.js)"', httpx.get(base + "/").text
    )
    assert src
    r = httpx.get(base + src.group(1))
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == "text/javascript"
    assert b"plotly.js (cartesian - minified) v" in r.content[:200]  # vendored in app/vendor/
    assert len(r.content) > 1_000_000


def test_docker_serves_api(served):
    r = httpx.get(served[0] + "/api/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": __version__, "computing": 0, "slots": 4}


@pytest.mark.parametrize("path", sorted(STATIC_PROBES))
def test_docker_serves_static(image, served, path):
    r = httpx.get(served[0] + "/static/" + path)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == STATIC_PROBES[path]
    assert r.content == image.static[path]


def test_docker_healthcheck_passes_then_fails_when_stopped(buildah, container, config, served, stop_group):
    _, port, proc, _ = served
    check = [
        "run",
        "--isolation",
        "chroot",
        "-e",
        f"GRADFLOW_PORT={port}",
        container,
        "--",
        *config["Healthcheck"]["Test"][1:],
    ]
    buildah(*check)  # exits 0 while the server answers
    stop_group(proc, timeout=20)
    with pytest.raises(AssertionError, match="failed"):
        buildah(*check, timeout=60)
