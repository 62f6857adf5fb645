"""`outreach-review tips tick` as an external cron runs it: through every configured platform's
poster (Slack Web API, Discord REST), each a real client against its local fake."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.slack_api import FakeSlackApi

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeSlackApi, FakeDiscord]]:
    slack = await FakeSlackApi().start()
    discord = FakeDiscord()
    await discord.start()
    yield slack, discord
    await discord.close()
    await slack.close()


def next_monday_0905() -> datetime:
    """A Monday after the subscriptions exist (a past week's tip is never posted)."""
    today = datetime.now(UTC).replace(hour=9, minute=5, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


async def cli(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return int(process.returncode or 0), out.decode(), err.decode()


async def test_tick_posts_through_slack_discord_and_console_once_a_week(
    fakes: tuple[FakeSlackApi, FakeDiscord], tmp_path: Path
) -> None:
    slack, discord = fakes
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tips.db'}",
        "SLACK_BOT_TOKEN": "xoxb-cron-test",
        "SLACK_API_URL": slack.url,
        "DISCORD_TOKEN": "cron.test.token",
        "DISCORD_API_BASE": discord.api_base,
        "OUTREACH_LLM": "off",
    }
    for platform, channel in (("slack", "C0TIPS"), ("discord", "123456789"), ("console", "dev")):
        code, _, err = await cli(
            env,
            tmp_path,
            "tips",
            "subscribe",
            "--platform",
            platform,
            "--channel",
            channel,
            "--workspace",
            "W1" if platform != "discord" else "42",
            "--weekday",
            "mon",
            "--time",
            "09:00",
            "--tz",
            "UTC",
        )
        assert code == 0, err

    monday = next_monday_0905()
    code, out, err = await cli(env, tmp_path, "tips", "tick", "--at", monday.isoformat())
    assert code == 0, err
    assert "3 posted" in err
    assert [json.loads(line)["channel"] for line in out.splitlines()] == ["dev"]
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 1 and posts[0].params["channel"] == "C0TIPS"
    assert posts[0].token == "xoxb-cron-test"
    assert len(discord.find("POST", r"/channels/123456789/messages")) == 1

    later = (monday + timedelta(hours=1)).isoformat()
    code, out, err = await cli(env, tmp_path, "tips", "tick", "--at", later)
    assert code == 0 and "0 posted" in err and out == ""
    assert len(slack.calls_to("chat.postMessage")) == 1  # exactly once a week
    assert len(discord.find("POST", r"/channels/123456789/messages")) == 1
