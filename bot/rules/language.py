"""Is the draft written in English? The built-in rules read English only.

A dependency-light check (language.yaml): the share of English function words among the
draft's words. It never reads as foreign a draft too short to tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.principles import load_data

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# A word with at least two letters: emoji, links and markup (masked) are not words.
_REAL_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_REVIEWABLE_WORDS = 2
# The language shows in the first few sentences; a long draft is not read twice for it.
SAMPLE_CHARS = 600


@dataclass(frozen=True)
class LanguageCheck:
    min_words: int
    min_share: float
    function_words: frozenset[str]
    vague_words: frozenset[str]


@cache
def load_language() -> LanguageCheck:
    raw = load_data("language.yaml")
    assert isinstance(raw, dict)
    return LanguageCheck(
        int(raw["min_words"]),
        float(raw["min_share"]),
        frozenset(str(w).lower() for w in raw["function_words"]),
        frozenset(str(w).lower() for w in raw["vague_words"]),
    )


_CONTENT = re.compile(r"[^\W\d_][\w'-]{3,}")  # a word of four or more, any script
# The same words on an ASCII text, where the ASCII classes match the same characters and
# run about twice as fast; the first letter is captured to be told upper from lower.
_CONTENT_ASCII = re.compile(r"[A-Za-z][\w'-]{3,}", re.ASCII)
_FIRST_LETTER_ASCII = re.compile(r"([A-Za-z])[\w'-]{3,}", re.ASCII)


def plain_word_count(text: str) -> int:
    """Words of four letters or more that do not start with a capital: how long a draft is
    with names, numbers and short function words left out, so a swapped name never changes it."""
    if text.isascii():
        firsts = _FIRST_LETTER_ASCII.findall(text)
        return len(firsts) - sum(map(str.isupper, firsts))
    return sum(1 for word in _CONTENT.findall(text) if not word[0].isupper())


def content_words(lower: str) -> set[str]:
    """Words of four letters or more that are neither function words nor vague ones."""
    words = (_CONTENT_ASCII if lower.isascii() else _CONTENT).findall(lower)
    return set(words).difference(_not_content())


@cache
def _not_content() -> frozenset[str]:
    check = load_language()
    return check.function_words | check.vague_words


# Words so common in English that a few of them settle the question without counting.
_TELLTALES = (" the ", " you", " to ", " and ", " i ", " a ", " of ", " for ", " we ", " is ")


def reads_as_english(masked: str) -> bool:
    sample = masked[:SAMPLE_CHARS].lower()
    telltales = 0
    for word in _TELLTALES:
        telltales += sample.count(word)
        if telltales >= 6:
            return True
    check = load_language()
    words = [w.lower() for w in _WORD.findall(masked, 0, SAMPLE_CHARS)]
    if len(words) < check.min_words:
        return True  # too short to tell
    share = sum(1 for w in words if w in check.function_words) / len(words)
    return share >= check.min_share


def has_words(masked: str) -> bool:
    """Anything to review: at least two words once links, markup and emoji are masked."""
    return len(_REAL_WORD.findall(masked, 0, 20_000)) >= MIN_REVIEWABLE_WORDS
