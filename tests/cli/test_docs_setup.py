"""docs/slack.md and docs/discord.md as a newcomer follows them: the steps start from a fresh
clone and its `.env`, every command they give runs from the clone, and each troubleshooting
section quotes what the bot really prints when a token is wrong or missing."""

from __future__ import annotations

import asyncio
import re

import pytest
from slack_sdk.errors import SlackApiError

from adapters.discord import run_discord
from adapters.slack.server import check_settings
from adapters.slack.socket_mode import refusal
from bot.service import ReviewService
from bot.settings import Settings, SettingsError
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import discord_settings
from tests.helpers import ROOT

DOCS = ROOT / "docs"
SETUP = {
    "slack.md": 'From "Create app from manifest" to a first review',
    "discord.md": "From a new application to a first review",
}
# A command that runs the bot or its CLI; from a clone it needs .venv/bin/ or the venv active.
BARE_COMMAND = re.compile(r"`((?:python3?|outreach-review)\b[^`]*)`")


def section(doc: str, heading: str) -> str:
    text = (DOCS / doc).read_text(encoding="utf-8")
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def steps(doc: str) -> list[str]:
    """The numbered steps of the set-up section, each with its indented continuation."""
    return re.split(r"\n(?=\d+\. )", section(doc, SETUP[doc]))


@pytest.mark.parametrize("doc", SETUP)
def test_the_steps_start_from_a_fresh_clone(doc: str) -> None:
    setup = section(doc, SETUP[doc])
    clone, env, run = (setup.find(s) for s in ("git clone", "cp .env.example .env", "make run"))
    assert 0 <= clone < env < run, "clone, then .env, then make run"


@pytest.mark.parametrize("doc", SETUP)
def test_every_command_in_the_steps_runs_from_the_clone(doc: str) -> None:
    for step in steps(doc):
        for command in BARE_COMMAND.findall(step):
            assert ".venv/bin/activate" in step, f"{command!r} is not on PATH in a fresh clone"


def slack_refusal(variable: str) -> str:
    error = SlackApiError("refused", {"ok": False, "error": "invalid_auth"})
    refused = refusal(error, variable)
    assert refused is not None
    return str(refused).partition(":")[0]  # "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"


def test_slack_troubleshooting_quotes_the_bad_and_missing_token_messages() -> None:
    trouble = section("slack.md", "Troubleshooting")
    for variable in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        assert slack_refusal(variable) in trouble
    with pytest.raises(SettingsError) as missing:
        check_settings(Settings())
    assert str(missing.value).partition(":")[0] in trouble  # "SLACK_BOT_TOKEN is not set"
    for first_errors in ("missing_scope", "dispatch_failed", "/slack/events", "bad_signature"):
        assert first_errors in trouble


async def test_discord_troubleshooting_quotes_the_rejected_token_message(
    restore_endpoints: None,
) -> None:
    portal = FakeDiscord()
    await portal.start()
    try:
        portal.fail("GET", "/users/@me", status=401, code=0, message="401: Unauthorized")
        settings = discord_settings(portal)
        running = run_discord(ReviewService(settings), settings, asyncio.Event())
        with pytest.raises(SettingsError) as rejected:
            await asyncio.wait_for(running, 5)
    finally:
        await portal.close()
    trouble = section("discord.md", "Troubleshooting")
    assert str(rejected.value) in trouble
    for first_errors in ("Message Content intent", "applications.commands", "missing_access"):
        assert first_errors in trouble


@pytest.mark.parametrize("doc", SETUP)
def test_the_docs_say_reactions_do_not_work_in_dms(doc: str) -> None:
    text = (DOCS / doc).read_text(encoding="utf-8")
    assert re.search(r"[Rr]eactions? [^.]*(?:not|never)[^.]* DMs", text)
