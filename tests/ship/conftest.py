"""Fixtures shared by the ship tests, which start servers (the wheel's, the container's) as process groups and
read requirements.lock and build.lock."""

import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _stop_group(proc: subprocess.Popen, timeout: float) -> None:
    """SIGTERM to the process group of `proc` (started with start_new_session=True), SIGKILL after
    `timeout` seconds; nothing if it has already exited."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="session")
def stop_group():
    """_stop_group, as a fixture: tests cannot import conftest under importlib mode."""
    return _stop_group


@dataclass(frozen=True)
class Pin:
    name: str  # normalised: lower case, runs of -_. as one -
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]


def read_lock(path: Path) -> list[Pin]:
    """requirements.lock's pins, each with its environment marker (None when it holds everywhere) and hashes."""
    pins = []
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *hashes = re.split(r"\s+--hash=", line)
        requirement = Requirement(spec)
        (pinned,) = requirement.specifier
        assert pinned.operator == "==", f"{spec}: not pinned to one version"
        pins.append(
            Pin(canonicalize_name(requirement.name), pinned.version, requirement.marker, tuple(hashes))
        )
    return pins


@pytest.fixture(scope="session")
def lock() -> list[Pin]:
    """The pins of requirements.lock (see read_lock)."""
    return read_lock(ROOT / "requirements.lock")


@pytest.fixture(scope="session")
def build_lock() -> list[Pin]:
    """The pins of build.lock, the build backend the Docker image builds the wheel with (see read_lock)."""
    return read_lock(ROOT / "build.lock")
