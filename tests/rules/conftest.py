"""The rules' tests: after a run that loaded the golden cases, their summary line (cases
passed, per principle) under the test results."""

from __future__ import annotations

import sys

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The golden cases' summary line (cases passed, per principle), when they ran."""
    golden = sys.modules.get("tests.rules.golden_cases")
    summary = golden.TALLY.summary() if golden is not None else ""
    if summary:
        terminalreporter.section("golden cases", sep="-")
        terminalreporter.write_line(summary)
