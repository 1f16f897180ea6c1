"""requirements.lock (`make lock`) fits pyproject.toml: every runtime dependency is pinned, with hashes, at a
version its specifier allows, once in any environment; and it is what the tests run with (`make install`
installs from it). tests/ship/test_docker.py checks that the image installs exactly these versions."""

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DEPENDENCIES = [
    Requirement(spec)
    for spec in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
]
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


@pytest.mark.parametrize("where", sorted(ENVIRONMENTS))
def test_every_dependency_is_pinned_once_at_a_version_pyproject_allows(lock, where):
    environment = ENVIRONMENTS[where]
    pinned = {}
    for pin in lock:
        if applies(pin, environment):
            assert pin.name not in pinned, f"{pin.name} is pinned twice for {where}: run `make lock`"
            pinned[pin.name] = pin.version
    for requirement in DEPENDENCIES:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} (pyproject.toml) is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements.lock pins {name} {pinned[name]}, which pyproject.toml's {requirement} refuses: "
            "run `make lock`"
        )


def test_every_pin_carries_its_hashes(lock):
    assert lock, "requirements.lock pins nothing"
    for pin in lock:
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
