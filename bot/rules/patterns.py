"""Loads `rules.yaml` once and compiles it: pattern rules and signal lists.

Speed matters (a review must take well under a millisecond), so each list of
patterns is compiled into at most three alternations: patterns that start at a
word boundary share one leading `(?<!\\w)` and run on the lower-cased text,
where Python's regex engine can skip ahead by first character; the other
lower-case patterns form a second; patterns that need upper case (names, via
`[A-Z]`) run case-insensitively on the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from bot.models import Severity
from bot.principles import load_data

_ESCAPE = re.compile(r"\\[A-Za-z]")


def compile_pattern(pattern: str) -> re.Pattern[str]:
    # `[A-Z]` is written in the data to mean a capital letter, even under IGNORECASE.
    return re.compile(pattern.replace("[A-Z]", "(?-i:[A-Z])"), re.IGNORECASE | re.MULTILINE)


def lower_same_length(text: str) -> str:
    """Lower-case without moving offsets (a few characters grow when lower-cased)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _needs_case(pattern: str) -> bool:
    return any(ch.isupper() for ch in _ESCAPE.sub("", pattern))


class Matcher:
    """Lists of patterns compiled for speed; finds matches anywhere in a text.

    Each list has a tag; `tag_of(match)` tells which list a match came from, so
    several rules can share one scan of the text.
    """

    def __init__(self, tagged: dict[str, list[str]]) -> None:
        self.tags = list(tagged)
        plain = {tag: [p for p in ps if not _needs_case(p)] for tag, ps in tagged.items()}
        cased = {tag: [p for p in ps if _needs_case(p)] for tag, ps in tagged.items()}
        self.lower_regexes = _split_compile(plain, lambda body: re.compile(body, re.M))
        self.cased_regexes = _split_compile(cased, compile_pattern)

    def tag_of(self, match: re.Match[str]) -> str:
        return self.tags[int(match.lastgroup[1:])] if match.lastgroup else self.tags[0]

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        lowered = lower_same_length(text) if lower is None else lower
        for regex in self.lower_regexes:
            yield from regex.finditer(lowered)
        for regex in self.cased_regexes:
            yield from regex.finditer(text)

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        lowered = lower_same_length(text) if lower is None else lower
        best: re.Match[str] | None = None
        for regex, subject in self._scans(text, lowered):
            found = regex.search(subject, 0, best.start() + 1 if best else len(subject))
            if found is not None and (best is None or found.start() < best.start()):
                best = found
        return best

    def _scans(self, text: str, lowered: str) -> Iterator[tuple[re.Pattern[str], str]]:
        for regex in self.lower_regexes:
            yield regex, lowered
        for regex in self.cased_regexes:
            yield regex, text


def _split_compile(
    tagged: dict[str, list[str]], compile_body: Callable[[str], re.Pattern[str]]
) -> tuple[re.Pattern[str], ...]:
    """Patterns that start at a word boundary share one leading `(?<!\\w)`; the rest another."""
    bounded: list[str] = []
    free: list[str] = []
    for index, patterns in enumerate(tagged.values()):
        starts = [p[2:] for p in patterns if p.startswith("\\b")]
        others = [p for p in patterns if not p.startswith("\\b")]
        if starts:
            bounded.append(f"(?P<t{index}>" + "|".join(f"(?:{p})" for p in starts) + ")")
        if others:
            free.append(f"(?P<t{index}>" + "|".join(f"(?:{p})" for p in others) + ")")
    out = []
    if bounded:
        out.append(compile_body(r"(?<!\w)(?:" + "|".join(bounded) + ")"))
    if free:
        out.append(compile_body("|".join(free)))
    return tuple(out)


@dataclass(frozen=True)
class PatternRule:
    id: str
    principle: str
    severity: Severity
    message: str
    suggestion: str


class SignalSet:
    """A named list of patterns; answers whether and where a piece of text matches."""

    def __init__(self, name: str, patterns: list[str] | str) -> None:
        self.name = name
        self.matcher = Matcher({name: [patterns] if isinstance(patterns, str) else patterns})

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        return self.matcher.search(text, lower)

    def count(self, text: str, lower: str | None = None) -> int:
        return sum(1 for _ in self.matcher.finditer(text, lower))


@dataclass(frozen=True)
class RuleBook:
    rules: dict[str, PatternRule]
    signals: dict[str, SignalSet]
    by_principle: dict[str, Matcher]  # one scan finds every pattern rule of a principle

    def for_principle(self, principle_id: str) -> Matcher:
        return self.by_principle[principle_id]


@cache
def load_rulebook() -> RuleBook:
    raw = load_data("rules.yaml")
    assert isinstance(raw, dict)
    items = [*raw["rules"], *raw.get("code_rules", [])]
    rules = {
        item["id"]: PatternRule(
            id=item["id"],
            principle=item["principle"],
            severity=item["severity"],
            message=item["message"],
            suggestion=item["suggestion"],
        )
        for item in items
    }
    patterns: dict[str, dict[str, list[str]]] = {}
    for item in raw["rules"]:
        patterns.setdefault(item["principle"], {})[item["id"]] = item["patterns"]
    by_principle = {principle: Matcher(tagged) for principle, tagged in patterns.items()}
    signals = {name: SignalSet(name, items) for name, items in raw["signals"].items()}
    return RuleBook(rules, signals, by_principle)
