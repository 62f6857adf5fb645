"""The Discord `TipPoster`: the weekly tip as an embed in a channel, errors as values."""

from __future__ import annotations

import discord

from adapters.discord.embeds import tip_embed
from adapters.discord.errors import MISSING_ACCESS, NO_MENTIONS, UNKNOWN_CHANNEL, log_problem
from bot.ports import PostError, PostOk, PostResult, RenderedTip


class DiscordTipPoster:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post_tip(self, workspace: str, channel: str, tip: RenderedTip) -> PostResult:
        if not channel.isdigit():
            return PostError("channel_gone", f"not a Discord channel id: {channel[:40]}")
        if self.client.user is None:
            return PostError("other", "the Discord bot is not logged in")
        guild_id = int(workspace) if workspace.isdigit() else None
        target = self.client.get_partial_messageable(int(channel), guild_id=guild_id)
        try:
            sent = await target.send(embed=tip_embed(tip), allowed_mentions=NO_MENTIONS)
        except discord.RateLimited as exc:
            log_problem(exc, "tip:post")
            return PostError("rate_limited", retry_after=exc.retry_after)
        except discord.HTTPException as exc:
            log_problem(exc, "tip:post")
            return _post_error(exc)
        return PostOk(str(sent.id))


def _post_error(exc: discord.HTTPException) -> PostError:
    detail = f"{exc.status} {exc.code}"
    if exc.code == MISSING_ACCESS:
        return PostError("not_in_channel", detail)
    if exc.code == UNKNOWN_CHANNEL or exc.status == 404:
        return PostError("channel_gone", detail)
    if exc.status == 403:
        return PostError("forbidden", detail)
    if exc.status == 429:
        return PostError("rate_limited", detail)
    return PostError("other", detail)
