"""Lone surrogates: code points a Python `str` can hold (JSON's "\\ud800" escape, bytes read
with `surrogateescape`) but UTF-8 cannot encode, so no regex engine (RE2), HTTP body or
terminal takes them. The bot swaps each for U+FFFD, one character for one, so offsets hold.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def replace_surrogates(text: str) -> str:
    """`text` with every surrogate code point replaced by U+FFFD; the same length."""
    return _SURROGATE.sub(REPLACEMENT, text) if has_surrogates(text) else text
