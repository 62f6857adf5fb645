"""Review-by-reaction: the configured emoji on a message → the review as a reply, once per
message (the service's event claim dedupes repeated reactions, shards and replicas). Which
reactions and messages count is `bot.policy`'s to say; this module parses and replies."""

from __future__ import annotations

import logging

import discord

from adapters.discord.embeds import render_review, review_as_text
from adapters.discord.errors import MISSING_PERMISSIONS, NO_MENTIONS, log_problem
from adapters.discord.views import review_view
from adapters.discord.wording import message
from bot.models import Review
from bot.policy import Answer, Emoji, Ignore, Message, Place, ReactionPolicy, for_message
from bot.ports import Rejected
from bot.service import ReviewService

log = logging.getLogger("outreach.discord")


def as_emoji(emoji: discord.PartialEmoji) -> Emoji:
    if emoji.id is not None:
        return Emoji(name=emoji.name or "", custom_id=emoji.id)
    return Emoji(char=emoji.name or "")


def as_message(target: discord.Message) -> Message:
    return Message(
        target.content,
        by_bot=target.author.bot or target.author.system,
        has_files=bool(target.attachments or target.embeds or target.stickers),
    )


class ReactionReviewer:
    def __init__(self, client: discord.Client, service: ReviewService, policy: ReactionPolicy):
        self.client = client
        self.service = service
        self.policy = policy

    def place(self, channel_id: int) -> Place:
        """The channel by id, and by name (and a thread's channel) when the cache knows it."""
        channel = self.client.get_channel(channel_id)
        names = [getattr(channel, "name", None)]
        if isinstance(channel, discord.Thread):
            names += [str(channel.parent_id), getattr(channel.parent, "name", None)]
        return Place(str(channel_id), tuple(name for name in names if name))

    async def handle(self, payload: discord.RawReactionActionEvent) -> None:
        me = self.client.user
        by_bot = (me is not None and payload.user_id == me.id) or bool(
            payload.member and payload.member.bot
        )
        if self.policy.ignore(
            as_emoji(payload.emoji), self.place(payload.channel_id), by_bot=by_bot
        ):
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
        asked = for_message(as_message(target), via="reaction")
        if isinstance(asked, Ignore):
            return
        if not await self.service.admission.claim_event("discord", claim_key):
            return
        if isinstance(asked, Answer):
            await self._say(channel, payload, asked.text)
            return
        result = await self.service.review(
            asked.text,
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
