"""Review-by-reaction: the configured emoji on a message → the review as a reply, once per
message (the service's event claim dedupes repeated reactions, shards and replicas)."""

from __future__ import annotations

import logging

import discord

from adapters.discord.embeds import render_review, review_as_text
from adapters.discord.errors import MISSING_PERMISSIONS, NO_MENTIONS, log_problem
from adapters.discord.views import review_view
from adapters.discord.wording import emoji_names, message
from bot.models import Review
from bot.ports import Rejected
from bot.service import ReviewService

log = logging.getLogger("outreach.discord")
DEFAULT_EMOJI = "🔍"
OFF = frozenset({"", "off", "0", "false", "no", "none"})
ON = frozenset({"on", "1", "true", "yes", "default"})
VARIATION_SELECTOR = "\ufe0f"


class ReactionTrigger:
    """Which emoji asks for a review: a Unicode emoji, or a custom one by id or name."""

    def __init__(self, emoji: str, emoji_id: int | None = None) -> None:
        self.emoji = emoji
        self.emoji_id = emoji_id

    def matches(self, emoji: discord.PartialEmoji) -> bool:
        if self.emoji_id is not None:
            return emoji.id == self.emoji_id
        if emoji.id is not None:
            return emoji.name == self.emoji
        return _bare(emoji.name or "") == _bare(self.emoji)


def parse_trigger(value: str | None) -> ReactionTrigger | None:
    """`OUTREACH_REACTION`: unset/"off" → no trigger; "on" → 🔍; "mag" or ":mag:" → 🔍;
    a Unicode emoji; or a custom emoji as `<:name:id>`, `name:id` or its name."""
    if value is None or value.strip().lower() in OFF:
        return None
    text = value.strip()
    if text.lower() in ON:
        return ReactionTrigger(DEFAULT_EMOJI)
    named = emoji_names().get(text.strip(":").lower())
    if named is not None:
        return ReactionTrigger(named)
    partial = discord.PartialEmoji.from_str(text)
    if partial.id is not None:
        return ReactionTrigger(partial.name or "", partial.id)
    return ReactionTrigger(text.strip(":") if text.startswith(":") else text)


class ReactionReviewer:
    def __init__(self, client: discord.Client, service: ReviewService, trigger: ReactionTrigger):
        self.client = client
        self.service = service
        self.trigger = trigger

    async def handle(self, payload: discord.RawReactionActionEvent) -> None:
        if not self.trigger.matches(payload.emoji):
            return
        me = self.client.user
        if (me is not None and payload.user_id == me.id) or (payload.member and payload.member.bot):
            return
        channel = self.client.get_partial_messageable(payload.channel_id, guild_id=payload.guild_id)
        claim_key = f"reaction:{payload.message_id}"
        try:
            target = await channel.fetch_message(payload.message_id)
        except discord.Forbidden as exc:
            log_problem(exc, "reaction:fetch")
            if await self.service.admission.claim_event("discord", claim_key):
                await self._say(channel, payload, message("cannot_read"), reply=False)
            return
        except (discord.HTTPException, discord.RateLimited) as exc:  # deleted, 5xx, long 429
            log_problem(exc, "reaction:fetch")
            return
        if target.author.bot or target.author.system:
            return
        if not await self.service.admission.claim_event("discord", claim_key):
            return
        if not target.content.strip():
            await self._say(channel, payload, message("empty_message"))
            return
        result = await self.service.review(
            target.content,
            platform="discord",
            workspace=str(payload.guild_id or ""),
            user=str(payload.user_id),
        )
        if isinstance(result, Rejected):
            await self._say(channel, payload, result.message)
        else:
            await self._reply_with_review(channel, payload, result)

    async def _reply_with_review(
        self,
        channel: discord.PartialMessageable,
        payload: discord.RawReactionActionEvent,
        review: Review,
    ) -> None:
        try:
            await channel.send(
                embeds=render_review(review).embeds,
                view=review_view(review, shareable=False),
                reference=_reference(payload),
                allowed_mentions=NO_MENTIONS,
            )
            return
        except discord.RateLimited as exc:
            log_problem(exc, "reaction:reply")
            return
        except discord.HTTPException as exc:
            if exc.code != MISSING_PERMISSIONS:
                log_problem(exc, "reaction:reply")
                return
        # Without Embed Links the review can still go out as text (needs Send Messages).
        if await self._say(channel, payload, review_as_text(review)):
            log.warning(
                "discord reply sent as text: embeds refused",
                extra={"where": "reaction:reply", "kind": "missing_permissions"},
            )

    async def _say(
        self,
        channel: discord.PartialMessageable,
        payload: discord.RawReactionActionEvent,
        text: str,
        *,
        reply: bool = True,
    ) -> bool:
        try:
            await channel.send(
                text,
                reference=_reference(payload) if reply else None,  # type: ignore[arg-type]
                allowed_mentions=NO_MENTIONS,
            )
        except (discord.HTTPException, discord.RateLimited) as exc:
            log_problem(exc, "reaction:say")
            return False
        return True


def _reference(payload: discord.RawReactionActionEvent) -> discord.MessageReference:
    # fail_if_not_exists=False: if the message was deleted meanwhile, post without the link.
    return discord.MessageReference(
        message_id=payload.message_id,
        channel_id=payload.channel_id,
        guild_id=payload.guild_id,
        fail_if_not_exists=False,
    )


def _bare(emoji: str) -> str:
    return emoji.replace(VARIATION_SELECTOR, "")
