"""The details of each sentence: the names, numbers and quoted phrases it holds.

A sentence about the reader with a detail in it says something particular (features.py
counts them). A sentence's first word, common capitalised words, job titles and where
someone works ("at Ramp") are not details.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from bot.rules.acts import SentenceActs
from bot.rules.scan import HAVE_RE2, compile_pattern, spans_after_boundary

# A name: a capitalised word, an acronym, or a word with a capital inside (iOS, eBay); a run
# of them ("São Paulo", "Ostrava Parcel") is one name, so a two-word place counts as one.
_NAME_WORD = r"(?:[A-Z][\w&'’-]*[a-z0-9][\w&'’-]*|[A-Z]{2,}\w*|[a-z]+[A-Z][\w&'’-]*)"
_CAPITALISED = re.compile(rf"(?<![\w'’]){_NAME_WORD}(?: {_NAME_WORD})*")
# The same on RE2 for ASCII drafts (most of them), where its `\w` is Python's.
_CAPITALISED_RE2 = (
    compile_pattern(rf"(?:^|[^\w'’])({_NAME_WORD}(?: {_NAME_WORD})*)", cased=False, fast=True)
    if HAVE_RE2
    else None
)
# A number, not inside a word: `(?<![\w.])\$?\d[\d,.]*%?`. The first character is matched
# before the look-behind (which then reads the character before it), so the engine skips
# to the rare `$` and digits instead of trying every position.
_NUMBER = re.compile(r"[$\d](?<![\w.].)(?:(?<=\$)\d|(?<=\d))[\d,.]*%?")
# A quote: `["“][^"”\n]{8,120}["”]|(?<![\w'])'[^'\n]{8,120}'(?![\w'])`, written the same way.
_QUOTED = re.compile(
    r"[\"“'](?:(?<=[\"“])[^\"”\n]{8,120}[\"”]|(?<=')(?<![\w'].)[^'\n]{8,120}'(?![\w']))"
)
# "1." or "2)" opening a line numbers a list; it is no detail.
_ENUMERATOR = re.compile(r"[ \t]*\(?(\d{1,2})[.)](?:\s|$)")
COMMON_CAPS = frozenset(
    "I I'm I've I'd I'll Hi Hey Hello Dear Thanks Thank Best Cheers Regards LinkedIn Linkedin "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Would Could Can Let Looking PS "
    "AI SaaS Just Quick Happy Great Good Also So And But The This That It We You Your My Our "
    "If When What How Why Is Are Do Does Did Have Has Had Will Zoom Google Slack Email Mr Mrs "
    "Ms Dr Prof".split()
)
# Job titles and employers say where someone works, not what they did: not a detail.
TITLE_WORDS = frozenset(
    "head director engineer engineering manager architect lead vp ceo cto cfo coo cmo founder "
    "co-founder support sales marketing product software senior staff principal president "
    "chief officer recruiter developer designer analyst scientist partner associate intern "
    "student professor team teams group solutions operations ops growth success customer "
    "research data platform infrastructure security design people talent hr architecture "
    "startup startups ecosystem business development partnerships strategy account accounts "
    "program programs programme programmes finance legal revenue community accountant consultant "
    "coordinator specialist representative administrator assistant advisor adviser editor writer "
    "producer nurse teacher lawyer attorney counsel agent broker banker economist strategist "
    "planner technician executive owner sdr bdr".split()
)
_EMPLOYER_ENDS = (" at ", "@", " with ", " for ", " in ", "joined ", "joining ")
_EMPLOYER = re.compile(
    r"\b(?:work|works|working|worked|job|role|position|team|teams|experience|time|career|"
    r"you're|you are|are you|joined|joining|engineer|manager|director|lead|head|founder|ceo|"
    r"vp|intern|student|employee|leading|heading|running|managing|overseeing)\s+"
    r"(?:[\w-]+\s+){0,4}?(?:at|@|with|for|in)\s+$|"
    r"\b(?:joined|joining)\s+$",
    re.I,
)
# "speaking at KubeCon": taking part in an event, so the name is the event, not an employer.
_AT_EVENT = re.compile(
    r"\b(?:speaking|presenting|talking|keynoting|exhibiting|attending|hosting|judging|"
    r"teaching|performing|competing|panelling|paneling)\s+(?:at|in)\s+$",
    re.I,
)


def sentence_details(text: str, sentences: Sequence[SentenceActs]) -> dict[int, frozenset[str]]:
    """The details of each of `sentences` (in text order; by its start) that has any, found in
    the masked `text` with one scan per kind."""
    starts = [s.start for s in sentences]
    ends = [s.end for s in sentences]
    # A sentence's first word, after any emoji, quote mark or dash before it.
    first_words = {_first_letter(text, start, end) for start, end in zip(starts, ends, strict=True)}
    found: dict[int, set[str]] = {}

    def sentence_at(position: int) -> int | None:
        index = bisect.bisect_right(starts, position) - 1
        return starts[index] if index >= 0 and position < ends[index] else None

    def file(position: int, token: str) -> None:
        start = sentence_at(position)
        if start is not None:
            found.setdefault(start, set()).add(token)

    for position, stop in _capitalised(text):
        if sentence_at(position) is None:
            continue  # in none of the sentences asked about
        run = text[position:stop]
        if " " in run:
            words = run.split(" ")
            if position in first_words:
                del words[0]  # a sentence's first word
            words = [w for w in words if _names_someone(w)]
            if not words:
                continue
            run = " ".join(words)
        elif position in first_words or not _names_someone(run):
            continue
        before = text[max(0, position - 9) : position].lower()
        if (
            before.endswith(_EMPLOYER_ENDS)
            and _EMPLOYER.search(text, max(0, position - 48), position)
            and not _AT_EVENT.search(text, max(0, position - 24), position)
        ):
            continue  # "at Ramp": where they work
        file(position, run.lower())
    for match in _NUMBER.finditer(text):
        if not _enumerates(text, match.start()):
            file(match.start(), match.group())
    for match in _QUOTED.finditer(text):
        file(match.start(), match.group().lower())
    return {start: frozenset(tokens) for start, tokens in found.items()}


def _first_letter(text: str, start: int, end: int) -> int:
    if text[start : start + 1].isalpha():
        return start
    letter = _LETTER.search(text, start, end)
    return letter.start() if letter else start


_LETTER = re.compile(r"[^\W\d_]")


def _enumerates(text: str, position: int) -> bool:
    """Whether the number at `position` opens its line as a list's "1." or "(2)"."""
    listed = _ENUMERATOR.match(text, text.rfind("\n", 0, position) + 1)
    return listed is not None and listed.start(1) == position


def _names_someone(word: str) -> bool:
    # "What's", "That'll": a common word with a contraction is still a common word.
    bare = word.split("'", 1)[0].split("’", 1)[0]
    return bare not in COMMON_CAPS and word.lower() not in TITLE_WORDS


def _capitalised(text: str) -> Iterable[tuple[int, int]]:
    """Where each run of names starts and ends."""
    if _CAPITALISED_RE2 is not None and text.isascii():
        return spans_after_boundary(_CAPITALISED_RE2, text.encode())
    return (match.span() for match in _CAPITALISED.finditer(text))


# "roles at AWS": the employer a purpose is at does not name the purpose.
_AT = frozenset({"at", "@"})


def names_something(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] names a thing (a capitalised word past the first, a title
    included: "the Senior Data Analyst role", "the Rise programme") or holds a number."""
    words = text[start:end].split()
    for before, word in pairwise(words):
        bare = word.strip("\"'“”‘’()[],.;:!?")
        if bare[:1].isupper() and bare not in COMMON_CAPS and before.lower() not in _AT:
            return True
    return _NUMBER.search(text, start, end) is not None
