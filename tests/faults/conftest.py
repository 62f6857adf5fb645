"""Faults and hostile input, each with what the user sees: the model down, hanging or talking
nonsense; Slack failing or unreachable; the store going away or frozen; SIGTERM mid-review;
any `str` as a draft. Several tests start real `outreach-review serve` processes (`spawn`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest


@pytest.fixture
def spawn() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Append each process a test starts (`outreach-review serve`…): the ones still running
    at the end are killed, whatever the test asserted."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
