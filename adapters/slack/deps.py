"""What every Slack handler needs, built once by `build_app` and passed down."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.policy import ReactionPolicy
from bot.ports import NoTips, TipsHandler
from bot.service import ReviewService
from bot.settings import Settings

log = logging.getLogger("outreach.slack")


class InFlight:
    """Slow work started after an ack, so shutdown can wait for it to finish."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for in-flight work; return how many were still running."""
        pending = {t for t in self._tasks if t is not asyncio.current_task()}
        if not pending:
            return 0
        _, still_running = await asyncio.wait(pending, timeout=timeout)
        return len(still_running)


@dataclass
class SlackDeps:
    service: ReviewService
    settings: Settings
    client: AsyncWebClient
    reactions: ReactionPolicy
    tips: TipsHandler = field(default_factory=NoTips)
    inflight: InFlight = field(default_factory=InFlight)
    http: aiohttp.ClientSession | None = None  # opened by the server, for response_url posts

    @classmethod
    def build(
        cls,
        service: ReviewService,
        settings: Settings,
        client: AsyncWebClient,
        tips: TipsHandler | None = None,
    ) -> SlackDeps:
        reactions = ReactionPolicy.from_settings(settings)
        trigger = reactions.trigger
        if trigger is not None and not trigger.name:  # Slack's events name the emoji
            log.warning("OUTREACH_REACTION has no Slack name I know: set the emoji's Slack name")
        return cls(service, settings, client, reactions, tips or NoTips())

    def for_client(self, client: AsyncWebClient) -> SlackDeps:
        """With bolt's per-request client when it holds another workspace's token (OAuth)."""
        return self if client.token == self.client.token else replace(self, client=client)
