"""Console adapter: the same commands as the chat platforms, in a terminal.

With stdin a terminal it is a small REPL (`/reviewoutreach <draft>`, a pasted
multi-line draft ended by a blank line or Ctrl-D, `/outreachtips ...`, `/help`,
`/quit`). With stdin not a terminal it reads everything as one draft and
prints one review, so `echo "..." | make run` works.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.cli import InputError, decode_draft
from bot.ports import ChannelContext, Rejected, TipsReply
from bot.present import help_text
from bot.render_text import render_review
from bot.service import ReviewService
from bot.settings import Settings
from bot.surrogates import has_surrogates

COMMANDS = {
    "/reviewoutreach <draft>": "review a draft (or paste it; end with a blank line or Ctrl-D)",
    "/outreachtips subscribe|unsubscribe|status|now|preview": "weekly tips for this console",
    "/help": "show this help",
    "/quit": "leave",
}
PROMPT = "outreach> "
NOT_UTF8_LINE = "That line is not UTF-8 text, so it was skipped: paste it again as UTF-8."
ReadMore = Callable[[], Awaitable[str]]
CONSOLE_CHANNEL = ChannelContext(
    platform="console", workspace="local", channel="console", user="you"
)


class Console:
    """Reads lines, dispatches commands, prints answers. No platform, no tokens."""

    def __init__(self, service: ReviewService, out: TextIO, *, colour: bool) -> None:
        self.service = service
        self.out = out
        self.colour = colour

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def review(self, draft: str) -> None:
        outcome = await self.service.review(draft, platform="console", user="you")
        if isinstance(outcome, Rejected):
            self.say(outcome.message)
            return
        self.say(render_review(outcome, draft, colour=self.colour))

    async def tips(self, args: str) -> None:
        reply: TipsReply = await self.service.tips_command(CONSOLE_CHANNEL, args)
        self.say(reply.text)
        if reply.tip is not None:
            tip = reply.tip
            self.say(
                f"\n{tip.title} ({tip.principle_title})\n{tip.body}\n"
                f"  Before: {tip.before}\n  After:  {tip.after}"
            )

    async def handle(self, line: str, read_more: ReadMore) -> bool:
        """Handle one input line; False when the user asked to quit."""
        stripped = line.strip()
        command, _, rest = stripped.partition(" ")
        if command in ("/quit", "/exit"):
            return False
        if command == "/help":
            self.say(help_text(COMMANDS))
        elif command == "/reviewoutreach":
            draft = rest if rest.strip() else await read_more()
            await self.review(draft)
        elif command == "/outreachtips":
            await self.tips(rest)
        elif command.startswith("/"):
            self.say(f"Unknown command {command}. Type /help for the commands.")
        elif stripped:
            more = await read_more()
            await self.review("\n".join(filter(None, [line.rstrip("\n"), more])))
        return True


async def run_console(
    service: ReviewService,
    settings: Settings,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    interactive: bool | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if interactive is None:
        interactive = stdin.isatty()
    console = Console(service, stdout, colour=interactive and stdout.isatty())
    try:
        if not interactive:
            try:
                draft = await asyncio.to_thread(_read_all, stdin)
            except InputError as exc:
                sys.stderr.write(f"outreach-review: {exc}\n")
                return 2
            outcome = await service.review(draft, platform="console")
            if isinstance(outcome, Rejected):
                stdout.write(outcome.message + "\n")
                return 2
            stdout.write(render_review(outcome, draft, colour=False) + "\n")
            return 0
        await _repl(console, stdin, stdout)
        return 0
    finally:
        await service.aclose()


def _read_all(stdin: TextIO) -> str:
    """All of piped stdin as one draft, strictly UTF-8, like `outreach-review review -`."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        return decode_draft(buffer.read(), "standard input")
    text = stdin.read()
    if has_surrogates(text):  # bytes a surrogateescape stream could not decode
        raise InputError("standard input is not valid UTF-8 text; save it as UTF-8 and try again")
    return text


async def _repl(console: Console, stdin: TextIO, stdout: TextIO) -> None:
    console.say(
        "Outreach Review (console). Paste a draft and end it with a blank line, or type /help."
    )

    async def readline(prompt: str) -> str | None:
        while True:
            stdout.write(prompt)
            stdout.flush()
            try:
                line = await asyncio.to_thread(stdin.readline)
            except UnicodeDecodeError:
                console.say(NOT_UTF8_LINE)
                continue
            return line if line else None  # "" means end of input (Ctrl-D)

    async def read_more() -> str:
        lines: list[str] = []
        while True:
            line = await readline("... ")
            if line is None or not line.strip():
                return "\n".join(lines)
            lines.append(line.rstrip("\n"))

    while True:
        line = await readline(PROMPT)
        if line is None:
            console.say("")
            return
        if not await console.handle(line, read_more):
            return
