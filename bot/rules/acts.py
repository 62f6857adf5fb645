"""What each sentence of a draft does and whom it is about (acts.yaml), found in one pass.

Every act's patterns are compiled once into RE2 automata. "Anywhere" patterns scan the
whole draft once per act and each match is filed under its sentence; "lead" patterns are
tried once per sentence at its start (after "So," / "Also," and the like).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from bot.principles import load_data
from bot.rules.lexicon import expand_pattern
from bot.rules.text import Draft, Sentence

_RE2: Any
try:
    import re2 as _RE2
except ImportError:  # pragma: no cover - a platform without google-re2 wheels
    _RE2 = None

Subject = Literal["sender", "recipient", "third", "none"]
About = Literal["sender", "recipient", "shared", "none"]

# Words that open a sentence without being its subject ("So, I ...", "Also, your ...").
MARKERS = (
    r"(?:(?:so|also|and|but|anyway|anyways|btw|ok|okay|well|honestly|plus|oh|hey|hi|hello|"
    r"p\.?\s?s\.?|ps|quick note|one more thing|first|firstly|second|lastly|finally|"
    r"separately|relatedly|fwiw|tl;?dr;?)\b[,:;.!—–-]*\s+)*"
)
_SUBJECT = re.compile(MARKERS + r"(?:(?:just|really|also|still|recently|actually)\s+)?([\w'’]+)")
_SENDER_WORDS = frozenset(
    "i i'm i've i'd i'll im ive we we're we've we'd we'll my our me us myself".split()
)
_RECIPIENT_WORDS = frozenset("you you're you've you'd you'll your yours".split())
# A sentence that starts with one of these has an implied "I" ("Saw your talk", "Building…").
_IMPLIED_I = frozenset(
    "saw noticed read watched heard loved enjoyed wanted want hoping thought figured building "
    "built working reaching writing following circling checking bumping looking trying put "
    "came stumbled spotted caught found helping launching running happy glad excited keen "
    "curious planning sent attaching attached".split()
)


def _compile(patterns: list[str], *, anchored: bool) -> list[tuple[Any, bool]]:
    """RE2 regexes for a list: one on the lower-cased text, one on the original (names)."""
    plain: list[str] = []
    cased: list[str] = []
    for pattern in patterns:
        regex, needs_case = expand_pattern(pattern)
        (cased if needs_case else plain).append(regex)
    out: list[tuple[Any, bool]] = []
    prefix = MARKERS if anchored else ""
    engine = _RE2 or re
    for group, on_original in ((plain, False), (cased, True)):
        if group:
            body = prefix + "(?:" + "|".join(f"(?:{p})" for p in group) + ")"
            flags = "(?i)" if on_original else ""
            out.append((engine.compile(flags + body), on_original))
    return out


@dataclass(frozen=True)
class Act:
    name: str
    about: About
    anywhere: tuple[tuple[Any, bool], ...]
    lead: tuple[tuple[Any, bool], ...]


@dataclass(frozen=True)
class ActBook:
    acts: tuple[Act, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(act.name for act in self.acts)


@cache
def load_acts() -> ActBook:
    raw = load_data("acts.yaml")
    assert isinstance(raw, dict)
    acts = tuple(
        Act(
            name=name,
            about=item.get("about", "none"),
            anywhere=tuple(_compile(item.get("anywhere", []), anchored=False)),
            lead=tuple(_compile(item.get("lead", []), anchored=True)),
        )
        for name, item in raw["acts"].items()
    )
    return ActBook(acts)


@dataclass(frozen=True)
class SentenceActs:
    """One sentence: where it is, whom it is about, what it does (act -> first span)."""

    sentence: Sentence
    subject: Subject
    acts: dict[str, tuple[int, int]]
    question: bool

    @property
    def start(self) -> int:
        return self.sentence.start

    @property
    def end(self) -> int:
        return self.sentence.end

    def does(self, *names: str) -> bool:
        return any(name in self.acts for name in names)

    def span(self, *names: str) -> tuple[int, int] | None:
        for name in names:
            if name in self.acts:
                return self.acts[name]
        return None


def subject_of(lower: str) -> Subject:
    match = _SUBJECT.match(lower)
    if not match:
        return "none"
    word = match.group(1).replace("’", "'")
    if word in _SENDER_WORDS:
        return "sender"
    if word in _RECIPIENT_WORDS:
        return "recipient"
    if word in _IMPLIED_I:
        return "sender"
    return "third"


def analyse(draft: Draft, sentences: Iterable[Sentence], book: ActBook | None = None) -> list[
    SentenceActs
]:
    """Every sentence's acts, with one scan of the draft per act."""
    book = book or load_acts()
    chosen = list(sentences)
    starts = [s.start for s in chosen]
    found: list[dict[str, tuple[int, int]]] = [{} for _ in chosen]
    lower, original = draft.lower, draft.masked
    for act in book.acts:
        for regex, on_original in act.anywhere:
            for match in regex.finditer(original if on_original else lower):
                index = bisect.bisect_right(starts, match.start()) - 1
                if index < 0 or match.start() >= chosen[index].end:
                    continue
                found[index].setdefault(act.name, (match.start(), match.end()))
    for index, sentence in enumerate(chosen):
        for act in book.acts:
            if act.name in found[index]:
                continue
            for regex, on_original in act.lead:
                hit = regex.match(original if on_original else lower, sentence.start, sentence.end)
                if hit is not None and hit.end() > hit.start():
                    found[index][act.name] = (sentence.start, hit.end())
                    break
    out = []
    for index, sentence in enumerate(chosen):
        text = lower[sentence.start : sentence.end]
        out.append(
            SentenceActs(
                sentence=sentence,
                subject=subject_of(text),
                acts=found[index],
                question=text.rstrip().endswith("?"),
            )
        )
    return out
