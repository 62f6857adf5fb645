"""`run_discord`: the coroutine `serve` composes; it runs until the stop event and turns
start-up refusals into one configuration message."""

from __future__ import annotations

import asyncio

import pytest
from discord.http import Route

from adapters.discord import build_bot, run_discord
from bot.service import ReviewService
from bot.settings import SettingsError
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import (
    discord_settings,
)

pytestmark = pytest.mark.usefixtures("restore_endpoints")


async def test_runs_until_stopped_then_closes(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    service = ReviewService(settings)
    bot = build_bot(service, settings, guild_ready_timeout=0.01)
    stop = asyncio.Event()
    running = asyncio.create_task(run_discord(service, settings, stop, bot=bot))
    await fake.wait_identified()
    assert Route.BASE == fake.api_base
    stop.set()
    await asyncio.wait_for(running, 5)
    assert bot.is_closed()


async def test_rejected_token_is_one_configuration_message(fake: FakeDiscord) -> None:
    fake.fail("GET", "/users/@me", status=401, code=0, message="401: Unauthorized")
    settings = discord_settings(fake)
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        await asyncio.wait_for(run_discord(ReviewService(settings), settings, asyncio.Event()), 5)


async def test_missing_token_is_refused_before_connecting(fake: FakeDiscord) -> None:
    settings = discord_settings(fake, discord_token=None)
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        await run_discord(ReviewService(settings), settings, asyncio.Event())
    assert fake.requests == []


async def test_message_content_intent_off_in_the_portal_says_what_to_do() -> None:
    portal_without_intent = FakeDiscord(message_content_enabled=False)
    await portal_without_intent.start()
    try:
        settings = discord_settings(portal_without_intent, outreach_reaction="on")
        with pytest.raises(SettingsError, match="Message Content intent"):
            await asyncio.wait_for(
                run_discord(ReviewService(settings), settings, asyncio.Event()), 5
            )
    finally:
        await portal_without_intent.close()
