"""Shared test configuration. Area-specific fixtures live in their own modules."""

from __future__ import annotations

import sys

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The golden cases' summary line (cases passed, per principle), when they ran."""
    golden = sys.modules.get("tests.golden_cases")
    summary = golden.TALLY.summary() if golden is not None else ""
    if summary:
        terminalreporter.section("golden cases", sep="-")
        terminalreporter.write_line(summary)
