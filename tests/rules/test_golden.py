"""Golden drafts (tests/golden/*.yaml): each case's expected statuses, verdict, kind and quotes.

One test per case; a failure names the principle, what was expected and what the engine said,
with what it quoted. pytest ends with a summary line: cases passed and each principle's score.
"""

from __future__ import annotations

import pytest

from bot.rules import review_with_rules
from tests.rules.golden_cases import TALLY, case_named, compare, explain, load_cases, problems_in

CASES = load_cases()


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_golden_case(name: str) -> None:
    case = case_named(name)
    mismatches = compare(case, review_with_rules(case.draft))
    TALLY.record(case, mismatches)
    unexpected = [m for m in mismatches if m.what not in case.known]
    fixed = sorted(set(case.known) - {m.what for m in mismatches})
    if unexpected:
        pytest.fail(explain(case, unexpected), pytrace=False)
    if fixed:
        pytest.fail(f"{case.name}: now right on {fixed}: remove them from `known`", pytrace=False)
    if mismatches:
        pytest.xfail("; ".join(f"{w}: {r}" for w, r in case.known.items()))


def test_golden_labels_agree_with_each_other_and_the_verdict_rule() -> None:
    wrong = {case.name: problems for case in CASES if (problems := problems_in(case))}
    assert not wrong, wrong


def test_there_are_enough_golden_cases_of_each_kind() -> None:
    assert len(CASES) >= 80
    for file in {case.file for case in CASES}:
        assert sum(case.file == file for case in CASES) >= 5, file
    for label in ("pass", "violated"):
        for pid in ("about_them", "no_pitch", "specific", "clear_reason", "asks_questions"):
            assert any(case.statuses.get(pid) == label for case in CASES), (pid, label)
