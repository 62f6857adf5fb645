"""Which adapters `serve` runs, and the console run in-process through `run_services`."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest

from bot.compose.platforms import Platforms, choose_platforms
from bot.compose.serve import run_services
from bot.settings import Settings, SettingsError

DRAFT = "Hi Jo,\nI'm a consultant and we help companies like yours grow.\nWould love to connect!"
NOTHING: dict[str, Any] = {"slack": False, "discord": False, "console": False}


def bare(**values: Any) -> Settings:
    base: dict[str, Any] = {
        "slack_bot_token": None,
        "slack_app_token": None,
        "slack_signing_secret": None,
        "slack_client_id": None,
        "slack_client_secret": None,
        "discord_token": None,
    }
    return Settings(**{**base, **values})


def test_nothing_configured_means_the_console_and_a_hint_on_stderr() -> None:
    err = io.StringIO()
    assert choose_platforms(bare(), **NOTHING, err=err) == Platforms(False, False, True)
    hint = err.getvalue()
    assert "SLACK_BOT_TOKEN" in hint and "DISCORD_TOKEN" in hint and "docs/slack.md" in hint


def test_every_platform_with_credentials_runs_and_the_console_does_not() -> None:
    both = bare(slack_bot_token="xoxb-1", slack_signing_secret="s", discord_token="d")
    err = io.StringIO()
    assert choose_platforms(both, **NOTHING, err=err) == Platforms(True, True, False)
    assert err.getvalue() == ""
    only_discord = bare(discord_token="d")
    assert choose_platforms(only_discord, **NOTHING) == Platforms(False, True, False)


def test_explicit_choices_win_and_missing_credentials_name_the_variable() -> None:
    both = bare(slack_bot_token="xoxb-1", slack_signing_secret="s", discord_token="d")
    picked = choose_platforms(both, slack=False, discord=True, console=True)
    assert picked == Platforms(False, True, True)
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        choose_platforms(bare(), slack=True, discord=False, console=False)
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        choose_platforms(bare(slack_bot_token="xoxb-1"), **NOTHING)
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        choose_platforms(bare(), slack=False, discord=True, console=False)


async def test_run_services_with_the_console_prints_one_review_and_returns(
    tmp_path: Path,
) -> None:
    settings = Settings(outreach_llm="off", database_url=f"sqlite:///{tmp_path}/c.db")
    out = io.StringIO()
    code = await asyncio.wait_for(
        run_services(
            settings,
            Platforms(False, False, True),
            asyncio.Event(),
            stdin=io.StringIO(DRAFT),
            stdout=out,
        ),
        timeout=20,
    )
    assert code == 0
    assert out.getvalue().count("Score ") == 1
