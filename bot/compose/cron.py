"""Posters for a one-shot `outreach-review tips tick` (an external cron, a Kubernetes CronJob).

It imports the adapters lazily, as `serve` does. Every platform with
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
            from adapters.discord.rest_poster import rest_poster

            posters["discord"] = await stack.enter_async_context(rest_poster(settings))
        yield posters
