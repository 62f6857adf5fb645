"""Reading a draft from a file or standard input: strictly UTF-8, with a message that says
what to fix (the CLI and the console)."""

from __future__ import annotations

import sys
from pathlib import Path


class InputError(Exception):
    """Input the user must fix; the message says what is wrong."""


def decode_draft(data: bytes, name: str) -> str:
    """The draft's text, strictly UTF-8 (a BOM is dropped); InputError naming `name` if not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid UTF-8 text (bad byte at position {exc.start}); "
            "save it as UTF-8 and try again"
        ) from None


def read_draft(source: str) -> str:
    """Read a draft from a file path or `-` (stdin), strictly as UTF-8."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {source}") from None
    except IsADirectoryError:
        raise InputError(f"{source} is a directory, not a draft file") from None
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}") from None
    text = decode_draft(data, "standard input" if source == "-" else source)
    if not text.strip():
        raise InputError("the draft is empty: give a file with the message text, or pipe it in")
    from bot.rules import NOTHING_TO_REVIEW, reviewable

    if not reviewable(text):
        raise InputError(NOTHING_TO_REVIEW[0].lower() + NOTHING_TO_REVIEW[1:])
    return text
