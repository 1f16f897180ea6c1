"""Fixtures shared by the ship tests, which start servers (the wheel's, the container's) as process groups."""

import os
import signal
import subprocess

import pytest


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
