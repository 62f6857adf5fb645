"""Turns a raw draft into an analysable view without ever moving an offset.

Chat markup, URLs, merge fields and markdown are masked with spaces of the same
length, so every position found in the masked text is a position in the draft.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import NamedTuple

# Slack (<@U1>, <#C1|x>, <!here>, <https://x|y>) and Discord (<@1>, <#1>, <@&1>, <:e:1>, <t:1:R>).
_CHAT_MARKUP = re.compile(
    r"<(?:[@#!][^<>\n]{0,200}|https?://[^<>\s]{1,500}|a?:\w+:\d+|t:\d+(?::\w)?)>"
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_SHORTCODE = re.compile(r":[a-z0-9_+-]{2,40}:(?!\w)")
MERGE_FIELD = re.compile(
    r"\{\{\s*[\w. -]{1,40}\s*\}\}|\{\s*[A-Za-z_][\w. -]{0,40}\s*\}|\[\s*(?:first|last|company|your)"
    r"[\w ]{0,30}\]|%[A-Z_]{3,30}%",
    re.IGNORECASE,
)
_MARKDOWN = re.compile(r"[*_~`>]+")
# An email's subject line pasted above the draft is a header, not something said to them.
_SUBJECT_LINE = re.compile(r"\A[ \t]*subject[ \t]*:[^\n]*", re.IGNORECASE)
# Abbreviations lose their full stop in the masked view, so "Dr. Okafor" is not two sentences.
_ABBREVIATIONS = frozenset("dr mr mrs ms prof sr jr st vs etc approx e.g i.e".split())
# These end sentences too ("I'm Tom from Thread & Co. We make…"): only a lower-case word after
# them ("at 2 a.m. during the outage", "the Evergreen Pet Co. checkout") keeps the sentence going.
_MID_SENTENCE_ABBREVIATIONS = frozenset("co inc ltd corp a.m p.m".split())
_LONGEST_ABBREVIATION = max(len(word) for word in _ABBREVIATIONS | _MID_SENTENCE_ABBREVIATIONS)
_MARKDOWN_CHARS = frozenset("*_~`>")
# One character for one: curly quotes, dashes, bullets and odd spaces read as plain ASCII
# (which also keeps most drafts pure ASCII for the matcher), and a lone surrogate, which no
# encoder accepts, reads as U+FFFD, so any `str` can be reviewed and offsets never move.
_PLAIN = {
    "’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "‒": "-", "−": "-",
    "•": "-", "·": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": " ",
}  # fmt: skip
_SAME_WIDTH: dict[int, int] = {
    **{ord(char): ord(plain) for char, plain in _PLAIN.items()},
    **dict.fromkeys(range(0xD800, 0xE000), 0xFFFD),
}
# Where a sentence ends: `(?<=[.!?…])["'”’)\]]*\s+|\n\s*\n|\n(?=\s*(?:[-•*·]|\d+[.)])\s)`,
# written to match from the stop or the line break itself (so the engine skips to those rare
# characters instead of trying every position); a match from a stop starts one after it.
_SENTENCE_END = re.compile(
    r"[.!?…\n](?:(?<=[.!?…])[\"'”’)\]]*\s+|(?<=\n)(?:\s*\n|(?=\s*(?:[-•*·]|\d+[.)])\s)))"
)

GREETING = re.compile(
    r"^\s*(?:(?:hi|hey|hello|dear|greetings|good (?:morning|afternoon|evening)|hiya|howdy|yo)\b"
    r"[^\n.!?]{0,40}?[,!:.\-—–]?[ \t]*(?:\n|$)|(?:hi|hey|hello|dear)\b[^\n,.!?—–-]{0,40}[,!—–-])",
    re.IGNORECASE,
)
_NAME_LINE = re.compile(r"^\s*[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}[,:]?\s*$")
_PS = re.compile(r"^\s*p\.?\s?p?\.?\s?s\b\.?", re.IGNORECASE)
_PS_FIRST = ("p", "P")  # all a sentence (stripped) can start with for `_PS` to match
_MAX_SIGNATURE_LINES = 6
_TITLE_GLUE = frozenset("of and at the & for in | - — – @ / + on to".split())
# "Dana," or "Jess, helping…": a bare name opening the note is a greeting.
_NAME_GREETING = re.compile(r"^\s*([A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*(?:,|—|–| - )\s*")
_NOT_NAMES = frozenset(
    "Thanks Thank So Also Yes No Well Anyway Okay Ok Sure Honestly Quick Just Btw Hope Sorry "
    "Congrats Congratulations Great Good Nice Hello Hi Hey Dear Apologies Again".split()
)


def _is_signature_line(line: str) -> bool:
    """A name, a title or a company on its own line: short, no sentence punctuation."""
    stripped = line.strip()
    words = stripped.split()
    if len(stripped) > 60 or len(words) > 8 or stripped[-1:] in "?!":
        return False
    title_case = all(w[:1].isupper() or w[:1].isdigit() or w in _TITLE_GLUE for w in words)
    if stripped[-1:] == ".":
        return title_case  # "Head of Growth, Acme Co."
    return title_case or len(words) <= 6


SIGN_OFF = re.compile(
    r"^\s*(?:best|cheers|thanks|thank you|regards|kind regards|best regards|warm regards|warmly|"
    r"sincerely|talk soon|all the best|many thanks|thanks so much|thanks again|hope to hear from "
    r"you soon|looking forward to hearing from you soon|yours|-|–|—)\b[^\n]{0,40}$",
    re.IGNORECASE,
)


def lower_same_length(text: str) -> str:
    """Lower-case without moving offsets (a few characters grow when lower-cased)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _starts_a_word(match: re.Match[str]) -> bool:
    start = match.start()
    return start == 0 or not match.string[start - 1].isalnum()


def _blank_if_word_start(match: re.Match[str]) -> str:
    return " " * len(match.group(0)) if _starts_a_word(match) else match.group(0)


def _lower_word_follows(text: str, position: int) -> bool:
    rest = text[position : position + 8].lstrip(" \t")
    return rest[:1].islower()


def _drop_abbreviation_stops(text: str) -> str:
    """Blank the full stop of each abbreviation ("Dr.", "e.g."), one character for one."""
    chars: list[str] | None = None
    position = text.find(".")
    while position != -1:
        start = position
        # No further back than the longest abbreviation: a longer word is none of them.
        while (
            start > 0
            and position - start <= _LONGEST_ABBREVIATION
            and (text[start - 1].isalpha() or text[start - 1] == ".")
        ):
            start -= 1
        word = text[start:position].lower()
        known = word in _ABBREVIATIONS or (
            word in _MID_SENTENCE_ABBREVIATIONS and _lower_word_follows(text, position + 1)
        )
        if known and (start == 0 or not text[start - 1].isalnum()):
            chars = chars if chars is not None else list(text)
            for index in range(start, position + 1):
                if chars[index] == ".":
                    chars[index] = " "
        position = text.find(".", position + 1)
    return text if chars is None else "".join(chars)


def may_have_merge_fields(text: str) -> bool:
    return "{" in text or "[" in text or "%" in text


def mask(text: str) -> str:
    """Replace markup, links and merge fields by spaces, keeping every offset."""

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    masked = text
    # Each pattern runs only when its trigger character is present: most drafts have none.
    if "<" in masked:
        masked = _CHAT_MARKUP.sub(blank, masked)
    if "http" in masked or "www." in masked:
        masked = _URL.sub(blank, masked)
    if "@" in masked:
        masked = _EMAIL.sub(blank, masked)
    if may_have_merge_fields(masked):
        masked = MERGE_FIELD.sub(blank, masked)
    if ":" in masked:
        masked = _SUBJECT_LINE.sub(blank, masked, count=1)
        masked = _SHORTCODE.sub(_blank_if_word_start, masked)
    if not _MARKDOWN_CHARS.isdisjoint(masked):
        masked = _MARKDOWN.sub(blank, masked)
    if "." in masked:
        masked = _drop_abbreviation_stops(masked)
    return masked if masked.isascii() else masked.translate(_SAME_WIDTH)


class Sentence(NamedTuple):
    start: int
    end: int
    text: str  # the masked text of the sentence (same length as the original slice)


class Draft:
    """A draft with its masked view, its sentences and its structural parts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.masked = mask(text)
        self.signal_memo: dict[str, re.Match[str] | None] = {}

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        masked = self.masked
        out: list[Sentence] = []
        position = 0
        for match in _SENTENCE_END.finditer(masked):
            start = match.start()
            self._add_sentence(out, position, start if masked[start] == "\n" else start + 1)
            position = match.end()
        self._add_sentence(out, position, len(masked))
        return tuple(out)

    def _add_sentence(self, out: list[Sentence], start: int, end: int) -> None:
        # A line break inside a "sentence" still splits greeting/sign-off lines from prose.
        line_break = self.masked.find("\n", start, end)
        while line_break != -1:
            self._add_trimmed(out, start, line_break)
            start = line_break + 1
            line_break = self.masked.find("\n", start, end)
        self._add_trimmed(out, start, end)

    def _add_trimmed(self, out: list[Sentence], start: int, end: int) -> None:
        piece = self.masked[start:end]
        stripped = piece.strip()
        if not any(ch.isalnum() for ch in stripped):
            return
        begin = start + len(piece) - len(piece.lstrip())
        out.append(Sentence(begin, begin + len(stripped), stripped))

    @cached_property
    def greeting_end(self) -> int:
        """Offset where the greeting ("Hi Sam,") ends, 0 when there is none."""
        match = GREETING.match(self.masked)
        if match:
            return match.end()
        named = _NAME_GREETING.match(self.masked)
        if named and named.group(1).split()[0] not in _NOT_NAMES:
            return named.end()
        return 0

    @cached_property
    def _after_greeting(self) -> list[Sentence]:
        sentences = [s for s in self.sentences if s.end > self.greeting_end]
        if sentences and sentences[0].start < self.greeting_end:
            first = sentences[0]
            start = self.greeting_end + (
                len(self.masked[self.greeting_end : first.end])
                - len(self.masked[self.greeting_end : first.end].lstrip())
            )
            sentences[0] = Sentence(start, first.end, self.masked[start : first.end])
            if not sentences[0].text.strip():
                sentences.pop(0)
        return sentences

    @cached_property
    def _parts(self) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...], tuple[Sentence, ...]]:
        """(body, signature, P.S.): the sign-off block is the run of short unpunctuated
        lines (a name, a title, a company) and closings like "Best," before any P.S."""
        sentences = self._after_greeting
        ps_at = next(
            (i for i, s in enumerate(sentences) if s.text[:1] in _PS_FIRST and _PS.match(s.text)),
            len(sentences),
        )
        main, ps = sentences[:ps_at], sentences[ps_at:]
        cut = len(main)
        for index in range(len(main) - 1, max(-1, len(main) - 1 - _MAX_SIGNATURE_LINES), -1):
            line = main[index].text
            if SIGN_OFF.match(line) or _is_signature_line(line):
                cut = index
            else:
                break
        return tuple(main[:cut]), tuple(main[cut:]), tuple(ps)

    @cached_property
    def body(self) -> tuple[Sentence, ...]:
        """Sentences between the greeting and the sign-off (a P.S. is not body)."""
        return self._parts[0]

    @cached_property
    def signature(self) -> tuple[Sentence, ...]:
        return self._parts[1]

    @cached_property
    def postscript(self) -> tuple[Sentence, ...]:
        return self._parts[2]

    @cached_property
    def prose(self) -> tuple[Sentence, ...]:
        """What the writer says to them: the body and any P.S."""
        return self.body + self.postscript

    @cached_property
    def may_have_merge_fields(self) -> bool:
        return may_have_merge_fields(self.text)

    @cached_property
    def lower(self) -> str:
        return lower_same_length(self.masked)

    @cached_property
    def words(self) -> int:
        return len(self.masked.split())
