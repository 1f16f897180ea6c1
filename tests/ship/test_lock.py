"""requirements.lock (`make lock`) fits pyproject.toml: every runtime dependency is pinned, with hashes, at a
version its specifier allows, once in any environment; and it is what the tests run with (`make install`
installs from it). build.lock does the same for the build backend [build-system] requires. tests/ship/
test_docker.py checks that the image installs exactly the runtime versions and builds with the locked backend."""

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEPENDENCIES = [Requirement(spec) for spec in PYPROJECT["project"]["dependencies"]]
BUILD = [Requirement(spec) for spec in PYPROJECT["build-system"]["requires"]]
HERE = default_environment()
# Where the lock must hold: the Docker image and CI (Linux, Python 3.11), newer Pythons, teachers' laptops.
ENVIRONMENTS = {
    f"{system} {python}": HERE
    | {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "sys_platform": platform,
        "platform_system": system,
        "os_name": "nt" if system == "Windows" else "posix",
    }
    for system, platform in (("Linux", "linux"), ("Windows", "win32"), ("Darwin", "darwin"))
    for python in ("3.11", "3.12", "3.13")
}


def applies(pin, environment: dict) -> bool:
    return pin.marker is None or pin.marker.evaluate(environment)


def check_pins(pins, requirements, where: str, lock_name: str) -> None:
    """Each requirement pinned once for `where`, at a version its specifier allows."""
    environment = ENVIRONMENTS[where]
    pinned = {}
    for pin in pins:
        if applies(pin, environment):
            assert pin.name not in pinned, (
                f"{pin.name} is pinned twice in {lock_name} for {where}: run `make lock`"
            )
            pinned[pin.name] = pin.version
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} (pyproject.toml) is not in {lock_name}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock_name} pins {name} {pinned[name]}, which pyproject.toml's {requirement} refuses: "
            "run `make lock`"
        )


@pytest.mark.parametrize("where", sorted(ENVIRONMENTS))
def test_every_dependency_is_pinned_once_at_a_version_pyproject_allows(lock, where):
    check_pins(lock, DEPENDENCIES, where, "requirements.lock")


@pytest.mark.parametrize("where", sorted(ENVIRONMENTS))
def test_the_build_backend_is_pinned_once_at_a_version_pyproject_allows(build_lock, where):
    """build.lock holds what [build-system] requires (hatchling) and what that needs, for the image's build."""
    assert BUILD, "pyproject.toml names no build backend"
    check_pins(build_lock, BUILD, where, "build.lock")


@pytest.mark.parametrize("name", ["lock", "build_lock"])
def test_every_pin_carries_its_hashes(request, name):
    pins = request.getfixturevalue(name)
    assert pins, f"{name} pins nothing"
    for pin in pins:
        assert pin.hashes and all(h.startswith("sha256:") and len(h) == 7 + 64 for h in pin.hashes), pin.name


def test_the_tests_run_the_locked_versions(lock):
    """What this environment has installed is the lock (`make install` installs from it)."""
    for pin in lock:
        if applies(pin, HERE):
            try:
                installed = version(pin.name)
            except PackageNotFoundError:
                installed = None
            assert installed == pin.version, f"{pin.name}: {installed} installed, {pin.version} locked"
