"""Inside a worker process (`OUTREACH_WORKERS`): a copy of the Slack app that runs the lazy
listener each `LazyCall` names (see `lazy_workers`), with its own Web API client, HTTP
session and, with OAuth, installations to find each workspace's token in."""

from __future__ import annotations

import logging

import aiohttp

from adapters.slack.app import build_app, build_client
from adapters.slack.deps import SlackDeps
from adapters.slack.lazy_workers import LazyCall
from adapters.slack.oauth import open_installations
from adapters.slack.poster import SlackTipPoster
from bot.ports import TipsFor
from bot.service import ReviewService
from bot.settings import Settings

log = logging.getLogger("outreach.slack")


class SlackWorker:
    def __init__(
        self, service: ReviewService, settings: Settings, *, tips_for: TipsFor | None = None
    ) -> None:
        self.installations = open_installations(settings)
        client = build_client(settings)
        self.poster = SlackTipPoster(client, self.installations)
        tips = tips_for(self.poster) if tips_for else None
        self.deps = SlackDeps.build(service, settings, client, tips)
        self.app = build_app(self.deps, self.installations, in_worker=True)

    async def start(self) -> None:
        self.deps.http = aiohttp.ClientSession()  # one connection pool for response_url posts

    async def run(self, call: LazyCall) -> None:
        response = await self.app.async_dispatch(call.request())
        if response.status != 200:  # e.g. a workspace whose installation is gone
            log.warning(
                "lazy listener not run",
                extra={"listener": call.function, "status": response.status},
            )

    async def close(self) -> None:
        if self.deps.http is not None:
            await self.deps.http.close()
        if self.installations is not None:
            self.installations.close()
