"""Running the real Discord adapter against `FakeDiscord` in a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import OutreachBot, build_bot
from bot.ports import TipsFor
from bot.service import ReviewService
from bot.settings import Settings
from tests.fakes.discord_api import FakeDiscord, Recorded
from tests.fakes.discord_payloads import APP_ID


def discord_settings(fake: FakeDiscord, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "discord_token": "fake-discord-token",
        "discord_api_base": fake.api_base,
        "discord_gateway_url": fake.gateway_url,
        "outreach_llm": "off",
        "openai_api_key": None,
        "outreach_reaction": None,
        "discord_guild_id": None,
    }
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    service: ReviewService,
    settings: Settings,
    *,
    tips_for: TipsFor | None = None,
) -> AsyncIterator[OutreachBot]:
    """Start the bot (login, command sync, gateway READY) and close it afterwards, restoring
    the process-wide endpoints discord.py keeps on its classes."""
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    bot = build_bot(service, settings, tips_for=tips_for, guild_ready_timeout=0.01)
    try:
        async with bot:  # initialises the client, so wait_until_ready() may be awaited
            runner = asyncio.create_task(bot.start(settings.discord_token or ""))
            ready = asyncio.create_task(bot.wait_until_ready())
            await asyncio.wait({ready, runner}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            if runner.done():
                runner.result()  # surface a start-up failure
            assert ready.done(), "the bot did not become ready"
            try:
                yield bot
            finally:
                await bot.close()
                await asyncio.wait_for(runner, 5)
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


def followups(fake: FakeDiscord, token: str) -> list[Recorded]:
    return fake.find("POST", rf"/webhooks/{APP_ID}/{token}")


def callbacks(fake: FakeDiscord, interaction: dict[str, Any]) -> list[Recorded]:
    return fake.find("POST", rf"/interactions/{interaction['id']}/{interaction['token']}/callback")


async def interact(
    fake: FakeDiscord, interaction: dict[str, Any], *, followup: bool = True
) -> Recorded:
    """Dispatch an interaction; return the first follow-up (or the callback)."""
    await fake.dispatch("INTERACTION_CREATE", interaction)
    token = interaction["token"]
    if followup:
        return (await fake.wait_for("POST", rf"/webhooks/{APP_ID}/{token}"))[0]
    path = rf"/interactions/{interaction['id']}/{token}/callback"
    return (await fake.wait_for("POST", path))[0]
