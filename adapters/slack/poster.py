"""The Slack `TipPoster`: posts a rendered weekly tip to a channel."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import tip_blocks, tip_fallback
from adapters.slack.errors import log_error, post_error
from adapters.slack.oauth import SlackInstallations
from bot.ports import PostError, PostOk, PostResult, RenderedTip

log = logging.getLogger("outreach.slack")


class SlackTipPoster:
    platform = "slack"

    def __init__(
        self, client: AsyncWebClient, installations: SlackInstallations | None = None
    ) -> None:
        self.client = client
        self.installations = installations  # OAuth: each workspace posts with its own token

    async def post_tip(self, workspace: str, channel: str, tip: RenderedTip) -> PostResult:
        """Post `tip`; a typed error (not_in_channel, channel_gone, rate_limited…) on failure."""
        auth: dict[str, Any] = {}  # empty: the client's own token (one workspace)
        if self.installations is not None:
            token = await self.installations.bot_token(workspace)
            if token is None:
                log.warning("tip for a workspace that is not installed", extra={"team": workspace})
                return PostError("forbidden", detail="not_installed")
            auth["token"] = token
        try:
            response = await self.client.chat_postMessage(
                **auth,
                channel=channel,
                text=tip_fallback(tip),
                blocks=tip_blocks(tip),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            log_error("post_tip", exc, channel=channel)
            return post_error(exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log_error("post_tip", exc, channel=channel)
            return PostError("other", detail=type(exc).__name__)
        return PostOk(message_ref=f"{response.get('channel', channel)}:{response.get('ts', '')}")
