"""Processes a test starts (`outreach-review serve`…): killed at the end of the test if still
running, whatever the test asserted."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest


@pytest.fixture(name="spawn")
def spawned_processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Append each process started to this list."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
