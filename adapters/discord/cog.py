"""Every user-facing feature: /reviewoutreach (with a modal when no draft is given), the
"Review outreach" message menu, /outreachtips and review-by-reaction.

Each handler acknowledges first (`defer`, or the modal), then does the slow work and answers
by follow-up; failures go to the tree's single `on_error` path (`errors.report`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.embeds import CONTENT_MAX, render_review, tip_embed
from adapters.discord.errors import NO_MENTIONS, report
from adapters.discord.reaction import ReactionReviewer, as_message
from adapters.discord.views import review_view
from adapters.discord.wording import message
from bot.policy import (
    Answer,
    AskForDraft,
    Ignore,
    ReactionPolicy,
    ReactionTrigger,
    ShowHelp,
    for_command,
    for_message,
)
from bot.ports import ChannelContext, Rejected, TipsHandler
from bot.present import help_text, truncate
from bot.service import ReviewService

DRAFT_INPUT_MAX = 4000  # Discord's limit for a text input
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Deliver = Callable[[discord.Interaction, str], Awaitable[None]]
HELP_COMMANDS = {
    "/reviewoutreach draft:<text>": "review a draft; only you see the review",
    "/reviewoutreach": "open a form to paste a long draft",
    "/reviewoutreach draft:help": "this help",
    "Apps → Review outreach (message menu)": "review any message, only you see it",
    "/outreachtips subscribe [weekday] [time] [timezone]": "a weekly tip in this channel",
    "/outreachtips unsubscribe | status | now | preview": "manage this channel's tips",
}


def help_message(reaction: ReactionTrigger | None) -> str:
    commands = dict(HELP_COMMANDS)
    if reaction is not None:
        emoji = reaction.char or (
            f"<:{reaction.name}:{reaction.custom_id}>"
            if reaction.custom_id
            else f":{reaction.name}:"
        )
        commands[f"React with {emoji}"] = "review a message; the review is a reply to it"
    return help_text(commands)


class DraftModal(discord.ui.Modal, title="Review an outreach draft"):
    draft: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
        label="Your draft",
        style=discord.TextStyle.paragraph,
        placeholder="Paste the message you plan to send…",
        max_length=DRAFT_INPUT_MAX,
    )

    def __init__(self, deliver: Deliver) -> None:
        super().__init__(timeout=15 * 60)
        self._deliver = deliver

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = self.draft.value
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._deliver(interaction, text)

    async def on_error(  # type: ignore[override]  # Modal drops the item argument
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report(error, where="modal", interaction=interaction)


class ReviewCog(commands.Cog):
    tips = app_commands.Group(
        name="outreachtips",
        description="Weekly outreach tips for this channel",
        default_permissions=discord.Permissions(manage_channels=True),
        guild_only=True,
    )

    def __init__(
        self,
        bot: commands.Bot,
        service: ReviewService,
        tips: TipsHandler,
        reactions: ReactionPolicy,
    ) -> None:
        self.bot = bot
        self.service = service
        self.tips_commands = tips
        self.trigger = reactions.trigger
        self.reactions = ReactionReviewer(bot, service, reactions) if reactions.trigger else None
        self.menu = app_commands.ContextMenu(name="Review outreach", callback=self.review_message)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    # --- reviews ---------------------------------------------------------------------------
    @app_commands.command(
        name="reviewoutreach",
        description="Get a frank, private review of an outreach draft before you send it",
    )
    @app_commands.describe(
        draft="The message you plan to send; leave it out to paste a long draft in a form"
    )
    async def review_outreach(
        self, interaction: discord.Interaction, draft: str | None = None
    ) -> None:
        asked = for_command(draft or "")
        if isinstance(asked, AskForDraft):
            await interaction.response.send_modal(DraftModal(self.deliver_review))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if isinstance(asked, ShowHelp):
            await self._answer(interaction, help_message(self.trigger))
            return
        await self.deliver_review(interaction, asked.text)

    async def review_message(
        self, interaction: discord.Interaction, target: discord.Message
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        asked = for_message(as_message(target), via="menu")
        if isinstance(asked, Answer):
            await self._answer(interaction, asked.text)
            return
        if not isinstance(asked, Ignore):
            await self.deliver_review(interaction, asked.text)

    async def deliver_review(self, interaction: discord.Interaction, text: str) -> None:
        """After a defer: review `text` and answer with the embed and buttons (ephemeral)."""
        result = await self.service.review(
            text,
            platform="discord",
            workspace=str(interaction.guild_id or ""),
            user=str(interaction.user.id),
        )
        if isinstance(result, Rejected):
            await self._answer(interaction, result.message)
            return
        await interaction.followup.send(
            embeds=render_review(result).embeds,
            view=review_view(result, shareable=True),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        if self.reactions is not None:
            await self.reactions.handle(payload)

    # --- weekly tips -----------------------------------------------------------------------
    @tips.command(name="subscribe", description="Post a weekly outreach tip in this channel")
    @app_commands.describe(
        weekday="Day to post (default Monday)",
        time="Local time as HH:MM (default 09:00)",
        timezone="IANA time zone such as Europe/Berlin (default: the bot's)",
    )
    @app_commands.choices(
        weekday=[app_commands.Choice(name=day.title(), value=day[:3]) for day in WEEKDAYS]
    )
    async def tips_subscribe(
        self,
        interaction: discord.Interaction,
        weekday: str | None = None,
        time: str | None = None,
        timezone: str | None = None,
    ) -> None:
        words = [w for w in (weekday, time, timezone) if w]
        await self._tips(interaction, " ".join(["subscribe", *words]))

    @tips.command(name="unsubscribe", description="Stop the weekly tips in this channel")
    async def tips_unsubscribe(self, interaction: discord.Interaction) -> None:
        await self._tips(interaction, "unsubscribe")

    @tips.command(name="status", description="When the next tip is due in this channel")
    async def tips_status(self, interaction: discord.Interaction) -> None:
        await self._tips(interaction, "status")

    @tips.command(name="now", description="Post the next tip in this channel right now")
    async def tips_now(self, interaction: discord.Interaction) -> None:
        await self._tips(interaction, "now")

    @tips.command(name="preview", description="Show the next tip to you only")
    async def tips_preview(self, interaction: discord.Interaction) -> None:
        await self._tips(interaction, "preview")

    async def _tips(self, interaction: discord.Interaction, args: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        ctx = ChannelContext(
            platform="discord",
            workspace=str(interaction.guild_id or ""),
            channel=str(interaction.channel_id or ""),
            user=str(interaction.user.id),
        )
        reply = await self.tips_commands.handle(ctx, args)
        text = truncate(reply.text, CONTENT_MAX)
        embeds = [tip_embed(reply.tip)] if reply.tip else []
        # The deferral was private, so its follow-up is too: a public answer goes second.
        first = text if reply.ephemeral else message("posted_publicly")
        await interaction.followup.send(
            first,
            embeds=embeds if reply.ephemeral else [],
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        if not reply.ephemeral:
            await interaction.followup.send(text, embeds=embeds, allowed_mentions=NO_MENTIONS)

    async def _answer(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.followup.send(
            truncate(text, CONTENT_MAX), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
