"""Console adapter: the same commands as the chat platforms, in a terminal.

With stdin a terminal it is a small REPL (`/reviewoutreach <draft>`, a pasted
draft of any number of paragraphs, `/outreachtips ...`, `/help`, `/quit`; reading is in
`console_input`). With stdin not a terminal it reads everything as one draft and
prints one review, so `echo "..." | make run` works.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from adapters.console_input import Entry, TerminalReader, terminal_session
from adapters.console_tips import tip_text
from bot.draft_input import InputError, decode_draft
from bot.ports import CONSOLE_WORKSPACE, ChannelContext, NoTips, Rejected, TipsHandler, TipsReply
from bot.present import help_text
from bot.render_text import render_review
from bot.service import ReviewService
from bot.settings import Settings
from bot.surrogates import has_surrogates

COMMANDS = {
    "/reviewoutreach <draft>": "review a draft (or just paste it and press Enter)",
    "/outreachtips subscribe|unsubscribe|status|now|preview": "weekly tips for this console",
    "/help": "show this help",
    "/quit": "leave",
}
PROMPT = "outreach> "
GREETING = {
    True: "Outreach Review (console). Paste a draft, as many paragraphs as you like, and press "
    "Enter.\nTyping one instead? End it with a line holding only . (or press Ctrl-D). "
    "/help lists the commands.",
    False: "Outreach Review (console). Paste or type a draft and end it with a line holding "
    "only . (or press Ctrl-D). /help lists the commands.",
}
ReadMore = Callable[[], Awaitable[str]]
CONSOLE_CHANNEL = ChannelContext(
    platform="console", workspace=CONSOLE_WORKSPACE, channel="console", user="you"
)


class Console:
    """Reads lines, dispatches commands, prints answers. No platform, no tokens."""

    def __init__(
        self, service: ReviewService, tips: TipsHandler, out: TextIO, *, colour: bool
    ) -> None:
        self.service = service
        self.tips_commands = tips
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
        reply: TipsReply = await self.tips_commands.handle(CONSOLE_CHANNEL, args)
        self.say(reply.text)
        if reply.tip is not None:
            self.say("\n" + tip_text(reply.tip))

    async def handle(self, entry: Entry, read_more: ReadMore) -> bool:
        """Handle one entry (a line, or a whole paste); False when the user asked to quit."""
        stripped = entry.text.strip()
        command = stripped.split(maxsplit=1)[0] if stripped else ""
        rest = stripped[len(command) :].strip()
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
            more = "" if entry.pasted else await read_more()  # a paste is the whole draft
            await self.review("\n".join(filter(None, [entry.text, more])))
        return True


async def run_console(
    service: ReviewService,
    settings: Settings,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    interactive: bool | None = None,
    *,
    tips: TipsHandler | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if interactive is None:
        interactive = stdin.isatty()
    console = Console(service, tips or NoTips(), stdout, colour=interactive and stdout.isatty())
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
    with terminal_session(stdin, stdout) as pastes_marked:
        console.say(GREETING[pastes_marked])
        reader = TerminalReader(stdin, stdout, console.say)
        while True:
            entry = await reader.read(PROMPT)
            if entry is None:
                console.say("")
                return
            if not await console.handle(entry, reader.read_draft):
                return
