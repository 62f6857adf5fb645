"""Buttons on a review. Each button's custom id carries its action and the review id, and
the bot registers the button class as a dynamic item, so a click works after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord.ui import Button, DynamicItem, View

from adapters.discord.embeds import render_review, render_rewrite
from adapters.discord.errors import NO_MENTIONS, report, say
from adapters.discord.wording import message
from bot.models import Review
from bot.policy import for_sharing
from bot.service import ReviewService

CUSTOM_ID = "outreach:{action}:{review_id}"
TEMPLATE = r"outreach:(?P<action>share|rewrite|up|down):(?P<review_id>[0-9A-Za-z_-]{1,64})"
BUTTONS: dict[str, tuple[str | None, discord.ButtonStyle, str | None]] = {
    "share": ("Share in channel", discord.ButtonStyle.primary, None),
    "rewrite": ("Show rewrite", discord.ButtonStyle.secondary, None),
    "up": (None, discord.ButtonStyle.secondary, "👍"),
    "down": (None, discord.ButtonStyle.secondary, "👎"),
}


def service_of(interaction: discord.Interaction) -> ReviewService:
    service = getattr(interaction.client, "outreach_service", None)
    if not isinstance(service, ReviewService):
        raise RuntimeError("the Discord client carries no review service")
    return service


class ReviewButton(DynamicItem[Button[View]], template=TEMPLATE):
    def __init__(self, action: str, review_id: str) -> None:
        label, style, emoji = BUTTONS[action]
        custom_id = CUSTOM_ID.format(action=action, review_id=review_id)
        super().__init__(Button(label=label, style=style, emoji=emoji, custom_id=custom_id))
        self.action = action
        self.review_id = review_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReviewButton:
        return cls(match["action"], match["review_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._act(interaction)
        except Exception as exc:
            await report(exc, where=f"button:{self.action}", interaction=interaction)

    async def _act(self, interaction: discord.Interaction) -> None:
        service = service_of(interaction)
        if self.action in ("up", "down"):
            saved = await service.recall.record_feedback(self.review_id, self.action, "discord")
            await say(interaction, message("feedback_saved" if saved else "feedback_not_saved"))
            return
        review = service.recall.get(self.review_id)
        if review is None:
            await say(interaction, message("expired_review"))
        elif self.action == "share":
            await interaction.response.send_message(
                message("shared_by", user=interaction.user.mention),
                embeds=render_review(for_sharing(review)).embeds,
                allowed_mentions=NO_MENTIONS,
            )
        elif review.rewrite is None:
            await say(interaction, message("no_rewrite"))
        else:
            rendered = render_rewrite(review)
            await interaction.response.send_message(
                embeds=rendered.embeds,
                files=rendered.files(),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )


def review_view(review: Review, *, shareable: bool) -> View:
    """Share (for private reviews), Show rewrite (when the model wrote one), 👍 and 👎."""
    view = View(timeout=None)
    actions = ["share"] if shareable else []
    if review.rewrite:
        actions.append("rewrite")
    actions += ["up", "down"]
    for action in actions:
        view.add_item(ReviewButton(action, review.review_id))
    # Clicks reach the buttons through the dynamic-item class the bot registers at start-up,
    # so discord.py need not keep this view per message: a stopped view is sent but not
    # stored, which keeps memory flat however many reviews are sent.
    view.stop()
    return view
