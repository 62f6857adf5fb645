"""What every Slack handler needs, built once by `build_app` and passed down."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import NoTips, TipsHandler
from bot.service import ReviewService
from bot.settings import Settings

DEFAULT_REACTION = "mag"


def reaction_name(settings: Settings) -> str | None:
    """The emoji that asks for a review: None when `OUTREACH_REACTION=off`."""
    configured = (settings.outreach_reaction or DEFAULT_REACTION).strip().strip(":")
    if configured.lower() in {"off", "none", "false", "0", ""}:
        return None
    return configured


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
    reaction: str | None
    channels: frozenset[str]
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
        return cls(
            service,
            settings,
            client,
            reaction_name(settings),
            settings.review_channels,
            tips or NoTips(),
        )

    def for_client(self, client: AsyncWebClient) -> SlackDeps:
        """With bolt's per-request client when it holds another workspace's token (OAuth)."""
        return self if client.token == self.client.token else replace(self, client=client)

    def channel_allowed(self, channel: str) -> bool:
        return not self.channels or channel in self.channels
