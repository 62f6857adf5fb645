"""Reading drafts from a terminal: a pasted email is one draft, whatever its blank lines.

Terminals mark a paste when asked to (bracketed paste: `ESC[?2004h` turns it on and the
pasted text arrives between `ESC[200~` and `ESC[201~`), so a paste of any number of
paragraphs is one entry. A draft typed by hand, or pasted where the terminal does not
mark pastes, goes on until a line holding only `.` or Ctrl-D.

The terminal stays in its normal line mode (the user keeps their line editing); only its
echo of control characters is turned off while the console runs, so the paste markers do
not show as `^[[200~`.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import termios
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

PASTE_ON, PASTE_OFF = "\x1b[?2004h", "\x1b[?2004l"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
END_OF_DRAFT = "."
MORE_PROMPT = "... "
NOT_UTF8_LINE = "That line is not UTF-8 text, so it was skipped: paste it again as UTF-8."
DRAFT_GOES_ON = "(Go on; end the draft with a line holding only . or press Ctrl-D.)"


@dataclass(frozen=True)
class Entry:
    """One thing the user entered: a line, or a whole paste the terminal marked."""

    text: str
    pasted: bool


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def terminal_session(stdin: TextIO, stdout: TextIO) -> Iterator[bool]:
    """Bracketed paste on (and control-character echo off) while the console runs, both
    restored on the way out, however it ends; True when pastes will be marked."""
    if not (_is_tty(stdin) and _is_tty(stdout)):
        yield False
        return
    fd = stdin.fileno()
    saved = termios.tcgetattr(fd)
    quiet = list(saved)
    quiet[3] &= ~termios.ECHOCTL
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    stdout.write(PASTE_ON)
    stdout.flush()
    try:
        yield True
    finally:
        stdout.write(PASTE_OFF)
        stdout.flush()
        termios.tcsetattr(fd, termios.TCSANOW, saved)


class TerminalReader:
    """Entries and drafts from `stdin`, prompts on `stdout`; `say` prints a line."""

    def __init__(self, stdin: TextIO, stdout: TextIO, say: Callable[[str], None]) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.say = say

    def _waiting(self) -> bool:
        """Input is already there (a paste the terminal did not mark): no prompt between
        its lines. In line mode the tty hands over one line per read, so the fd knows."""
        try:
            ready, _, _ = select.select([self.stdin.fileno()], [], [], 0)
        except (AttributeError, OSError, ValueError):  # not a real file: a test's StringIO
            return False
        return bool(ready)

    async def _line(self, prompt: str) -> str | None:
        while True:
            if prompt:
                self.stdout.write(prompt)
                self.stdout.flush()
            try:
                line = await asyncio.to_thread(self.stdin.readline)
            except UnicodeDecodeError:
                self.say(NOT_UTF8_LINE)
                continue
            return line if line else None  # "" means end of input (Ctrl-D)

    async def read(self, prompt: str) -> Entry | None:
        """The next line, or the whole paste that starts on it; None at end of input."""
        line = await self._line(prompt)
        if line is None:
            return None
        if PASTE_START not in line:
            return Entry(line.rstrip("\r\n"), pasted=False)
        typed_before, _, pasted = line.partition(PASTE_START)
        chunks = [pasted]
        while PASTE_END not in chunks[-1]:
            more = await self._line("")
            if more is None:  # input ended inside the paste: keep what came
                break
            chunks.append(more)
        text = typed_before + "".join(chunks)
        for marker in (PASTE_START, PASTE_END):
            text = text.replace(marker, "")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return Entry(text.rstrip("\n"), pasted=True)

    async def read_draft(self) -> str:
        """The rest of a draft: lines, blank ones included, until a line holding only `.`,
        Ctrl-D, or the end of a paste."""
        self.say(DRAFT_GOES_ON)
        lines: list[str] = []
        while True:
            entry = await self.read("" if self._waiting() else MORE_PROMPT)
            if entry is None:
                break
            if entry.pasted:
                lines.append(entry.text)
                break
            if entry.text.strip() == END_OF_DRAFT:
                break
            lines.append(entry.text)
        return "\n".join(lines)
