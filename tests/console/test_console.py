"""The console adapter runs the same commands as the chat platforms, locally."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from adapters.console import run_console
from bot.ports import ChannelContext, TipsReply
from bot.service import ReviewService
from bot.settings import Settings

DRAFT = "Hi Jo,\nI'm a consultant and we help companies like yours grow.\nWould love to connect!"


class RecordingTips:
    def __init__(self) -> None:
        self.calls: list[tuple[ChannelContext, str]] = []

    async def handle(self, ctx: ChannelContext, args: str) -> TipsReply:
        self.calls.append((ctx, args))
        return TipsReply(f"tips: {args}")


def service() -> ReviewService:
    return ReviewService(Settings(outreach_llm="off"))


async def test_piped_input_is_one_draft_and_one_review() -> None:
    out = io.StringIO()
    code = await run_console(service(), Settings(), io.StringIO(DRAFT), out, interactive=False)
    assert code == 0
    text = out.getvalue()
    assert text.count("Score ") == 1 and "Skip the pitch" in text


async def test_piped_empty_input_says_there_is_nothing_to_review() -> None:
    out = io.StringIO()
    code = await run_console(service(), Settings(), io.StringIO("  \n"), out, interactive=False)
    assert code == 2 and "no draft" in out.getvalue()


async def test_interactive_commands_review_paste_tips_help_and_quit() -> None:
    tips = RecordingTips()
    session = "\n".join(
        [
            "/help",
            "/reviewoutreach Hi Jo, we help companies like yours. Free for a call?",
            "/reviewoutreach",
            "Hi Sam,",
            "",
            "Long time no talk! How is the Lisbon office?",
            ".",
            "/outreachtips preview",
            "/bogus",
            "/quit",
            "/help",
        ]
    )
    out = io.StringIO()
    code = await run_console(
        service(), Settings(), io.StringIO(session + "\n"), out, interactive=True, tips=tips
    )
    text = out.getvalue()
    assert code == 0
    assert "Lead with them, not you" in text and "/reviewoutreach <draft>" in text  # help
    assert text.count("Score ") == 2
    assert "(To someone you know)" in text  # the typed paragraphs were reviewed as one draft
    assert tips.calls and tips.calls[0][1] == "preview" and tips.calls[0][0].platform == "console"
    assert "Unknown command /bogus" in text
    assert text.count("Outreach Review grades") == 1  # nothing after /quit ran


async def test_a_paste_ended_by_ctrl_d_is_reviewed() -> None:
    out = io.StringIO()
    session = "Hi Ana,\nYour talk on pricing at SaaStock was great. How did you test it?"
    await run_console(service(), Settings(), io.StringIO(session), out, interactive=True)
    assert "Score " in out.getvalue()


def test_echo_into_serve_prints_one_review() -> None:
    env = {
        **os.environ,
        "OUTREACH_LLM": "off",
        "SLACK_BOT_TOKEN": "",
        "DISCORD_TOKEN": "",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        input=DRAFT.encode(),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().count("Score ") == 1
