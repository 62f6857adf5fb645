"""Running RE2 automata over a draft: compiled on UTF-8 bytes (the draft encoded once), their
matches iterated through the C++ matcher, and byte offsets mapped back to characters.
Python's `re` stands in where google-re2 has no wheel."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from bot.rules.text import Draft

_RE2: Any
try:
    import re2 as _RE2
except ImportError:  # pragma: no cover - a platform without google-re2 wheels
    _RE2 = None


def compile_pattern(pattern: str, *, cased: bool, fast: bool) -> Any:
    """RE2 on UTF-8 bytes when `fast` (one encoding per draft), else Python's `re`."""
    if fast:
        return _RE2.compile((("(?i)" if cased else "") + pattern).encode("utf-8"))
    return re.compile(pattern, re.I if cased else 0)


HAVE_RE2 = _RE2 is not None
_UNANCHORED = _RE2._Anchor.UNANCHORED if _RE2 is not None else None


def finditer(regex: Any, data: Any) -> Any:
    """(start, end, group spans) of each match; RE2's C++ matcher called directly on bytes
    (the wrapper's per-match generator costs more than the matching here)."""
    if isinstance(data, str):
        for match in regex.finditer(data):
            yield match.start(), match.end(), match
        return
    matcher = regex._regexp
    position, end = 0, len(data)
    while position <= end:
        spans = matcher.Match(_UNANCHORED, data, position, end)
        start, stop = spans[0]
        if start < 0:
            return
        yield start, stop, spans
        position = stop if stop > start else stop + 1


def spans_after_boundary(regex: Any, data: bytes) -> Iterator[tuple[int, int]]:
    """Spans of group 1 of `regex`, written `(?:^|[^X])(...)` to stand for `(?<![X])...` (RE2
    has no look-behind): each search restarts on the last character of the previous match, so
    that character can be the one before the next, as a look-behind would see it."""
    matcher = regex._regexp
    position, end = 0, len(data)
    while position <= end:
        spans = matcher.Match(_UNANCHORED, data, position, end)
        if spans[0][0] < 0:
            return
        start, stop = spans[1]
        yield start, stop
        position = max(stop - 1, position + 1)


def compile_set(patterns: list[str]) -> Any:
    """One RE2 automaton over all `patterns` (each as `compile_pattern` built it) that says in
    a single pass which of them match anywhere in a text."""
    options = _RE2.Options()
    # A set's DFA only fails when one state outgrows its memory: ample, never reached.
    options.max_mem = _SET_MEMORY
    regex_set = _RE2.Set.SearchSet(options)
    for pattern in patterns:
        regex_set.Add(pattern)
    regex_set.Compile()
    return regex_set


_SET_MEMORY = 64 << 20


def which_match(regex_set: Any, data: bytes) -> list[int]:
    """The indices of the set's patterns (numbered in the order they were added) that match
    somewhere in `data`, unsorted."""
    return list(regex_set._set.Match(data))


def join_patterns(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


class Texts:
    """The draft's lower-cased and original views as the engine wants them, and a map from
    the engine's offsets back to characters (UTF-8 bytes are offsets only for ASCII)."""

    def __init__(self, draft: Draft, starts: list[int], fast: bool) -> None:
        # Every sentence on a line of its own, so `^` marks where one starts.
        lower, original = _line_starts(draft.lower, starts), _line_starts(draft.masked, starts)
        if not fast:
            self.lower: Any = lower
            self.original: Any = original
            self._starts: list[int] | None = None
            self.ascii = True
            return
        self.lower = lower.encode("utf-8")
        self.original = original.encode("utf-8")
        ascii_only = len(self.lower) == len(lower)
        self.ascii = ascii_only
        self._starts = None if ascii_only else _char_starts(self.lower)
        self._ostarts = None if ascii_only else _char_starts(self.original)

    def char(self, offset: int, on_original: bool) -> int:
        if self._starts is None:
            return offset
        starts = self._ostarts if on_original else self._starts
        assert starts is not None
        return bisect.bisect_right(starts, offset) - 1


def group_span(spans: Any, number: int) -> tuple[int, int]:
    if isinstance(spans, list):
        return spans[number]
    return spans.span(number)  # a `re` match object, when RE2 is missing


def _line_starts(text: str, starts: list[int]) -> str:
    """`text` with the space before each sentence start turned into a line break."""
    pieces = []
    previous = 0
    for start in starts:
        if start > 0 and text[start - 1] in " \t\r\f\v":
            pieces.append(text[previous : start - 1])
            pieces.append("\n")
            previous = start
    pieces.append(text[previous:])
    return "".join(pieces)


def _char_starts(data: bytes) -> list[int]:
    """Byte offset of each character (UTF-8 continuation bytes start no character)."""
    return [i for i, b in enumerate(data) if b & 0xC0 != 0x80]
