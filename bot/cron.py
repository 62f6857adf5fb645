"""Posters for a one-shot `outreach-review tips tick` (an external cron, a Kubernetes CronJob).

Like `bot.serve`, a composition root: it imports the adapters lazily. Every platform with
credentials gets its poster: Slack through the Web API (per-workspace tokens when installed
with OAuth), Discord through its REST API only (logged in, no gateway connection), and the
console, which prints one JSON line per post.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from bot.ports import TipPoster
from bot.settings import Settings

log = logging.getLogger("outreach.cron")


@asynccontextmanager
async def cron_posters(settings: Settings) -> AsyncIterator[dict[str, TipPoster]]:
    from adapters.console_tips import ConsoleTipPoster

    posters: dict[str, TipPoster] = {"console": ConsoleTipPoster()}
    async with AsyncExitStack() as stack:
        if settings.slack_bot_token or settings.slack_client_id:
            from adapters.slack import SlackTipPoster, build_client
            from adapters.slack.oauth import open_installations

            installations = open_installations(settings)
            if installations is not None:
                stack.callback(installations.close)
            posters["slack"] = SlackTipPoster(build_client(settings), installations)
        if settings.discord_token:
            posters["discord"] = await stack.enter_async_context(_discord_poster(settings))
        yield posters


@asynccontextmanager
async def _discord_poster(settings: Settings) -> AsyncIterator[TipPoster]:
    import discord

    from adapters.discord import DiscordTipPoster
    from adapters.discord.app import point_at_endpoints

    point_at_endpoints(settings)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(settings.discord_token or "")
        yield DiscordTipPoster(client)
    finally:
        await client.close()
