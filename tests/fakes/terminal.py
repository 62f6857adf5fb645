"""A pseudo-terminal for driving a real process as a person at a keyboard would.

The process gets the slave side as stdin, stdout and stderr (so it sees a terminal, and
its logs land where a user would see them); the test holds the master side: it types,
pastes (with or without bracketed paste), presses Ctrl-D, and reads everything the
terminal would show, echo included.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
CTRL_D = "\x04"


class Terminal:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        rows: int = 60,
        cols: int = 160,
    ) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self._master = master
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color"},
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._seen = bytearray()
        self._mark = 0

    # --- what the user sees ---

    @property
    def screen(self) -> str:
        """Everything shown so far, as text (escape sequences left in)."""
        return self._seen.decode("utf-8", errors="replace")

    def since_mark(self) -> str:
        return self._seen[self._mark :].decode("utf-8", errors="replace")

    def mark(self) -> None:
        """Later `since_mark()` and `expect()` look only at output after this point."""
        self._mark = len(self._seen)

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # EIO: every slave fd is closed, the process is gone
            return False
        if not chunk:
            return False
        self._seen.extend(chunk)
        return True

    def expect(self, *texts: str, timeout: float = 20.0) -> str:
        """Wait until `texts` have appeared, in this order, since the mark; the output since it."""

        def seen() -> bool:
            shown, at = self.since_mark(), 0
            for text in texts:
                found = shown.find(text, at)
                if found < 0:
                    return False
                at = found + len(text)
            return True

        deadline = time.monotonic() + timeout
        while not seen():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._pump(min(remaining, 0.2)):
                if seen():
                    break
                shown = self.since_mark()
                raise AssertionError(f"never saw {texts!r}; the screen since the mark:\n{shown}")
        return self.since_mark()

    def settle(self, quiet: float = 0.5, timeout: float = 10.0) -> str:
        """Read until nothing new has come for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self._seen)
            if not self._pump(quiet) or len(self._seen) == before:
                break
        return self.since_mark()

    # --- what the user does ---

    def send(self, keys: str) -> None:
        os.write(self._master, keys.encode("utf-8"))

    def type_line(self, line: str) -> None:
        self.send(line + "\r")  # Enter sends a carriage return; the tty makes it a newline

    def paste(self, text: str, *, bracketed: bool = True) -> None:
        """What a terminal sends for a paste: newlines as carriage returns, wrapped in the
        bracketed-paste markers when the application asked for them."""
        body = text.replace("\n", "\r")
        self.send(PASTE_START + body + PASTE_END if bracketed else body)

    def finish(self, timeout: float = 20.0) -> int:
        """Wait for the process to exit, reading what it still prints; its exit code."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            if not self._pump(0.1):
                break
        try:
            code = self.proc.wait(max(0.1, deadline - time.monotonic()))
        finally:
            self.settle(quiet=0.1, timeout=1.0)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        os.close(self._master)
