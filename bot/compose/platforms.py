"""Which adapters `serve` runs: those asked for, else those with credentials, else the console;
and the log level that suits them."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from bot.settings import Settings, SettingsError

NO_PLATFORM = (
    "outreach-review: no chat platform is configured, so this is the console.\n"
    "  Slack:   set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET "
    "(HTTP); see docs/slack.md\n"
    "  Discord: set DISCORD_TOKEN; see docs/discord.md\n"
    "  Put them in .env (cp .env.example .env), then run `make run` again "
    "(or .venv/bin/outreach-review serve)."
)


@dataclass(frozen=True)
class Platforms:
    slack: bool
    discord: bool
    console: bool


def choose_platforms(
    settings: Settings, *, slack: bool, discord: bool, console: bool, err: TextIO | None = None
) -> Platforms:
    """The adapters to run: those asked for, else those with credentials, else the console.
    Raises `SettingsError` naming the variable when a chosen platform lacks credentials."""
    if not (slack or discord or console):
        slack = bool(settings.slack_bot_token or settings.slack_client_id)  # token or OAuth
        discord = bool(settings.discord_token)
        if not (slack or discord):
            print(NO_PLATFORM, file=err or sys.stderr)
            console = True
    if slack:
        from adapters.slack.server import check_settings

        check_settings(settings)
    if discord and not settings.discord_token:
        raise SettingsError("DISCORD_TOKEN is not set: see docs/discord.md for how to get one.")
    return Platforms(slack, discord, console)


def log_level_for(settings: Settings, platforms: Platforms) -> str:
    """The level asked for (LOG_LEVEL); else INFO, or WARNING while the console runs: a
    person reads that screen, and routine lines would land in the middle of reviews."""
    if "log_level" in settings.model_fields_set:
        return settings.log_level
    return "WARNING" if platforms.console else "INFO"
