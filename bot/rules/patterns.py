"""Loads `rules.yaml` once and compiles it: pattern rules and signal lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from bot.models import Severity
from bot.principles import load_data


def compile_pattern(pattern: str) -> re.Pattern[str]:
    # `[A-Z]` is written in the data to mean a capital letter, even under IGNORECASE.
    return re.compile(pattern.replace("[A-Z]", "(?-i:[A-Z])"), re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class PatternRule:
    id: str
    principle: str
    severity: Severity
    message: str
    suggestion: str
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        stop = len(text) if end is None else end
        for pattern in self.patterns:
            yield from pattern.finditer(text, start, stop)


class SignalSet:
    """A named list of patterns; answers whether and where a piece of text matches."""

    def __init__(self, name: str, patterns: list[str] | str) -> None:
        self.name = name
        items = [patterns] if isinstance(patterns, str) else patterns
        self.patterns = tuple(compile_pattern(p) for p in items)

    def search(self, text: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            found = pattern.search(text)
            if found:
                return found
        return None

    def count(self, text: str) -> int:
        return sum(1 for pattern in self.patterns for _ in pattern.finditer(text))

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.search(text) is not None


@dataclass(frozen=True)
class RuleBook:
    rules: dict[str, PatternRule]
    signals: dict[str, SignalSet]

    def for_principle(self, principle_id: str) -> list[PatternRule]:
        return [r for r in self.rules.values() if r.principle == principle_id]


@cache
def load_rulebook() -> RuleBook:
    raw = load_data("rules.yaml")
    assert isinstance(raw, dict)
    rules = {
        item["id"]: PatternRule(
            id=item["id"],
            principle=item["principle"],
            severity=item["severity"],
            message=item["message"],
            suggestion=item["suggestion"],
            patterns=tuple(compile_pattern(p) for p in item.get("patterns") or []),
        )
        for item in [*raw["rules"], *raw.get("code_rules", [])]
    }
    signals = {name: SignalSet(name, items) for name, items in raw["signals"].items()}
    return RuleBook(rules, signals)
