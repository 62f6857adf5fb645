"""Golden cases: drafts we wrote and what a reader expects the rules to say about them.

Each file in tests/golden/ is a YAML list of cases:

    - name: unique-kebab-name
      note: one line, why the draft gets these labels (the rubric's reasoning)
      draft: |-
        the draft, as sent
      kind: cold | reconnect                      (optional)
      verdict: send | revise | rewrite            (optional)
      statuses: {principle_id: pass | violated | n/a, ...}   (optional, any subset)
      quotes: {principle_id: [words some finding of that principle contains], ...}
      why: {principle_id: what in the draft decides it}      (optional, for reports)
      known: {what: why the rules get it wrong today}         (optional)

"known" lists the rules' known misses on a case ("what" is a principle id, "verdict", "kind"
or "quote:<principle id>"): the case is an expected failure while exactly those miss, and
fails again (so the entry must go) as soon as one of them is right.

"violated" stands for the engine's "warn" or "fail": both mean the principle is broken.
`python -m tests.rules.golden_cases` prints every mismatch as a Markdown table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.models import Review, Status
from bot.principles import REQUIRED_IDS
from bot.rules import review_with_rules
from bot.rules.scoring import verdict_for

GOLDEN_DIR = Path(__file__).parents[1] / "golden"
LABELS = frozenset({"pass", "violated", "n/a"})
KEYS = frozenset({"name", "note", "draft", "kind", "verdict", "statuses", "quotes", "why", "known"})


class GoldenDataError(ValueError):
    """A golden file that does not say what it means."""


@dataclass(frozen=True)
class GoldenCase:
    name: str
    file: str
    note: str
    draft: str
    kind: str | None = None
    verdict: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    quotes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)

    def reason(self, what: str) -> str:
        return self.why.get(what, self.note)


@dataclass(frozen=True)
class Mismatch:
    what: str  # a principle id, "verdict", "kind" or "quote:<principle id>"
    expected: str
    got: str
    quotes: tuple[str, ...]  # what the engine quoted for that principle


def label(status: Status | None) -> str:
    """The engine's status in golden terms."""
    return "violated" if status in ("warn", "fail") else str(status)


def _case(item: Any, file: str) -> GoldenCase:
    where = f"{file}: {item.get('name') if isinstance(item, dict) else item!r}"
    if not isinstance(item, dict) or not KEYS.issuperset(item) or "draft" not in item:
        raise GoldenDataError(f"{where}: a case is a mapping of {sorted(KEYS)} with a draft")
    statuses = dict(item.get("statuses") or {})
    quotes = {pid: tuple(words) for pid, words in (item.get("quotes") or {}).items()}
    why = dict(item.get("why") or {})
    for pid in (*statuses, *quotes):
        if pid not in REQUIRED_IDS:
            raise GoldenDataError(f"{where}: unknown principle {pid!r}")
    if not LABELS.issuperset(statuses.values()):
        raise GoldenDataError(f"{where}: statuses are {sorted(LABELS)}, not {statuses}")
    if item.get("kind") not in (None, "cold", "reconnect"):
        raise GoldenDataError(f"{where}: unknown kind {item['kind']!r}")
    if item.get("verdict") not in (None, "send", "revise", "rewrite"):
        raise GoldenDataError(f"{where}: unknown verdict {item['verdict']!r}")
    return GoldenCase(
        name=str(item["name"]),
        file=file,
        note=str(item.get("note", "")),
        draft=str(item["draft"]),
        kind=item.get("kind"),
        verdict=item.get("verdict"),
        statuses=statuses,
        quotes=quotes,
        why=why,
        known=dict(item.get("known") or {}),
    )


@cache
def load_cases() -> tuple[GoldenCase, ...]:
    cases: list[GoldenCase] = []
    for path in sorted(GOLDEN_DIR.glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        cases.extend(_case(item, path.name) for item in items)
    counts = Counter(case.name for case in cases)
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise GoldenDataError(f"golden case names used twice: {repeated}")
    return tuple(cases)


def case_named(name: str) -> GoldenCase:
    return next(case for case in load_cases() if case.name == name)


def problems_in(case: GoldenCase) -> list[str]:
    """Labels that contradict each other or the verdict rule (a mistake in the data)."""
    out = []
    if case.kind == "cold" and case.statuses.get("owns_the_gap", "n/a") != "n/a":
        out.append("a cold note's owns_the_gap is n/a")
    if case.kind == "reconnect" and case.statuses.get("owns_the_gap") == "n/a":
        out.append("a reconnect note's owns_the_gap is pass or violated")
    if case.verdict and len(case.statuses) == len(REQUIRED_IDS):
        as_status: dict[str, Status] = {
            pid: "fail" if value == "violated" else "pass" for pid, value in case.statuses.items()
        }
        rule = verdict_for(as_status)
        if rule != case.verdict:
            out.append(f"the verdict rule gives {rule!r} for these statuses, not {case.verdict!r}")
    return out


def compare(case: GoldenCase, review: Review) -> list[Mismatch]:
    """Every expectation of the case the review does not meet."""
    out: list[Mismatch] = []

    def quoted(pid: str) -> tuple[str, ...]:
        result = review.principle(pid)
        return tuple(f.quote for f in result.findings) if result else ()

    if case.kind and review.kind != case.kind:
        out.append(Mismatch("kind", case.kind, review.kind, ()))
    if case.verdict and review.verdict != case.verdict:
        out.append(Mismatch("verdict", case.verdict, review.verdict, ()))
    for pid, expected in case.statuses.items():
        result = review.principle(pid)
        got = label(result.status if result else None)
        if got != expected:
            out.append(Mismatch(pid, expected, got, quoted(pid)))
    for pid, words in case.quotes.items():
        for word in words:
            if not any(word in quote for quote in quoted(pid)):
                out.append(Mismatch(f"quote:{pid}", word, "not quoted", quoted(pid)))
    return out


def explain(case: GoldenCase, mismatches: Iterable[Mismatch]) -> str:
    lines = [f"golden case {case.name!r} ({case.file}): {case.note}"]
    for m in mismatches:
        said = "; ".join(repr(q) for q in m.quotes) or "no finding"
        lines.append(f"  {m.what}: expected {m.expected}, got {m.got} (quoted: {said})")
        if why := case.why.get(m.what.removeprefix("quote:")):
            lines.append(f"    decided by: {why}")
    lines.append("  draft: " + case.draft.replace("\n", "\n         "))
    return "\n".join(lines)


class Tally:
    """Pass counts per case and per expectation, for the summary line pytest prints."""

    def __init__(self) -> None:
        self.cases: dict[str, bool] = {}
        self.checks: dict[str, list[bool]] = {}

    def record(self, case: GoldenCase, mismatches: list[Mismatch]) -> None:
        failed = {m.what.split(":")[0] for m in mismatches}
        self.cases[case.name] = not mismatches
        expected = [*case.statuses, "verdict" * bool(case.verdict), "kind" * bool(case.kind)]
        expected += ["quote"] * bool(case.quotes)
        for what in filter(None, expected):
            self.checks.setdefault(what, []).append(what not in failed)

    def summary(self) -> str:
        if not self.cases:
            return ""
        order = [*REQUIRED_IDS, "verdict", "kind", "quote"]
        parts = [
            f"{what} {sum(results)}/{len(results)}"
            for what in order
            if (results := self.checks.get(what))
        ]
        passed = sum(self.cases.values())
        return f"golden: {passed}/{len(self.cases)} cases pass; " + ", ".join(parts)


TALLY = Tally()


def main() -> None:
    """Print every failing golden case as a Markdown table, then the summary."""
    tally = Tally()
    print("| case | file | what | expected | got | decided by |")
    print("|---|---|---|---|---|---|")
    for case in load_cases():
        mismatches = compare(case, review_with_rules(case.draft))
        tally.record(case, mismatches)
        for m in mismatches:
            reason = case.reason(m.what.removeprefix("quote:")).replace("|", "/")
            print(f"| {case.name} | {case.file} | {m.what} | {m.expected} | {m.got} | {reason} |")
    print()
    print(tally.summary())


if __name__ == "__main__":
    main()
