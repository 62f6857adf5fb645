"""The tip poster for a one-shot `tips tick`: Discord's REST API only (logged in, no gateway)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import discord

from adapters.discord.app import point_at_endpoints
from adapters.discord.poster import DiscordTipPoster
from bot.settings import Settings


@asynccontextmanager
async def rest_poster(settings: Settings) -> AsyncIterator[DiscordTipPoster]:
    point_at_endpoints(settings)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(settings.discord_token or "")
        yield DiscordTipPoster(client)
    finally:
        await client.close()
