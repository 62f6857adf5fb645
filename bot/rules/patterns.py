"""Loads `rules.yaml` once and compiles it: pattern rules and signal lists.

Speed matters (a review must take well under a millisecond). Each list of patterns is
compiled into one RE2 regex (google-re2: an automaton that tries every alternative in a
single pass over the text) run on the lower-cased text. The few patterns RE2 cannot run
(lookarounds) go to Python's engine, as one alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.models import Severity
from bot.principles import load_data

_ESCAPE = re.compile(r"\\[A-Za-z]")
# `[A-Z]` in the data means a capital letter (a name), even in a case-insensitive pattern.
CAPITAL = "(?-i:[A-Z])"
# RE2 has no lookaround; patterns that use one run on Python's engine.
_LOOKAROUND = re.compile(r"\(\?<?[=!]")

_RE2: Any
try:  # RE2 scans a whole list of patterns in one pass, 10-40x faster than `re` here.
    import re2 as _RE2
except ImportError:  # pragma: no cover - a platform without google-re2 wheels
    _RE2 = None


def lower_same_length(text: str) -> str:
    """Lower-case without moving offsets (a few characters grow when lower-cased)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class Matcher:
    """Lists of patterns compiled for speed; finds matches anywhere in a text.

    Each list has a tag; `tag_of(match)` tells which list a match came from, so several
    rules share one scan of the text. Patterns run on the lower-cased text, except those
    with a `[A-Z]` (a capital: a name), which run case-insensitively on the original text
    with that one class kept case-sensitive.
    """

    def __init__(self, tagged: dict[str, list[str]], *, fast: bool = True) -> None:
        self.tags = list(tagged)
        for patterns in tagged.values():
            for pattern in patterns:
                _check_lower_case(pattern)
        fast = fast and _RE2 is not None
        plain = {t: [p for p in ps if "[A-Z]" not in p] for t, ps in tagged.items()}
        cased = {
            t: [p.replace("[A-Z]", CAPITAL) for p in ps if "[A-Z]" in p] for t, ps in tagged.items()
        }
        # (regex, runs on the original text rather than the lower-cased one)
        self.scans: tuple[tuple[Any, bool], ...] = tuple(
            [(r, False) for r in _compile_all(plain, fast=fast, ignore_case=False)]
            + [(r, True) for r in _compile_all(cased, fast=fast, ignore_case=True)]
        )
        self._tag_groups = {
            id(regex): tuple((int(name[1:]), number) for name, number in regex.groupindex.items())
            for regex, _ in self.scans
        }

    @property
    def regexes(self) -> tuple[Any, ...]:
        return tuple(regex for regex, _ in self.scans)

    def tag_of(self, match: re.Match[str]) -> str:
        """The tag whose list produced `match` (the one tag group that took part in it)."""
        for tag_index, group in self._tag_groups[id(match.re)]:
            if match.start(group) >= 0:
                return self.tags[tag_index]
        return self.tags[0]

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        lowered = lower_same_length(text) if lower is None else lower
        for regex, on_original in self.scans:
            yield from regex.finditer(text if on_original else lowered)

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        lowered = lower_same_length(text) if lower is None else lower
        best: re.Match[str] | None = None
        for regex, on_original in self.scans:
            found = regex.search(text if on_original else lowered)
            if found is not None and (best is None or found.start() < best.start()):
                best = found
        return best


def _check_lower_case(pattern: str) -> None:
    if any(ch.isupper() for ch in _ESCAPE.sub("", pattern.replace("[A-Z]", ""))):
        raise ValueError(f"write patterns in lower case, [A-Z] for a capital: {pattern!r}")


def _fits_re2(pattern: str) -> bool:
    return not _LOOKAROUND.search(pattern)


def _compile_all(tagged: dict[str, list[str]], *, fast: bool, ignore_case: bool) -> list[Any]:
    """RE2 for what it can run (one linear pass for the whole list), `re` for the rest."""
    out: list[Any] = []
    quick = {t: [p for p in ps if fast and _fits_re2(p)] for t, ps in tagged.items()}
    slow = {t: [p for p in ps if not (fast and _fits_re2(p))] for t, ps in tagged.items()}
    if body := _alternation(quick):
        out.append(_RE2.compile(("(?i)" if ignore_case else "") + "(?m)" + body))
    if body := _alternation(slow):
        out.append(re.compile(body, re.M | (re.I if ignore_case else 0)))
    return out


def _alternation(tagged: dict[str, list[str]]) -> str:
    return "|".join(
        f"(?P<t{index}>" + "|".join(f"(?:{p})" for p in patterns) + ")"
        for index, patterns in enumerate(tagged.values())
        if patterns
    )


@dataclass(frozen=True)
class PatternRule:
    id: str
    principle: str
    severity: Severity
    message: str
    suggestion: str


class SignalSet:
    """A named list of patterns; answers whether and where a piece of text matches."""

    def __init__(self, name: str, patterns: list[str] | str, *, fast: bool = True) -> None:
        self.name = name
        items = [patterns] if isinstance(patterns, str) else patterns
        self.matcher = Matcher({name: items}, fast=fast)

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
def load_rulebook(fast: bool = True) -> RuleBook:
    """The rules, compiled once. `fast=False` uses Python's engine only (tests compare both)."""
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
    by_principle = {p: Matcher(tagged, fast=fast) for p, tagged in patterns.items()}
    signals = {name: SignalSet(name, ps, fast=fast) for name, ps in raw["signals"].items()}
    return RuleBook(rules, signals, by_principle)


# Any of these in a draft means sender and recipient already know each other.
KNOWN_EACH_OTHER = ("reconnect", "lapse", "ownership", "blame")
