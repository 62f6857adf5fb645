"""The Discord bot: a `commands.Bot` whose features live in `ReviewCog`, added in `setup_hook`
(as discord.py's examples/advanced_startup.py does), with the command tree synced at start-up.

`build_bot` is the factory; `run_discord` runs it until a stop event is set.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.cog import ReviewCog
from adapters.discord.errors import NO_MENTIONS, log_problem, report
from adapters.discord.poster import DiscordTipPoster
from adapters.discord.views import ReviewButton
from bot.policy import ReactionPolicy
from bot.ports import NoTips, TipsFor
from bot.service import ReviewService
from bot.settings import Settings, SettingsError

log = logging.getLogger("outreach.discord")
API_VERSION_PATH = "/api/v10"
# discord.py sleeps through short 429s itself; longer ones raise `RateLimited` (30 s is its floor).
MAX_RATELIMIT_WAIT = 30.0
# What the bot needs in a channel: see it, reply (also in threads) with embeds, fetch a
# reacted-to message. Interaction answers need no channel permission.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    read_message_history=True,
)
INVITE_SCOPES = ("bot", "applications.commands")


class OutreachTree(app_commands.CommandTree):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        name = interaction.command.name if interaction.command else "?"
        await report(error, where=f"command:{name}", interaction=interaction)


class OutreachBot(commands.Bot):
    """`tips_for` gives the tips commands posting through this bot's `poster`."""

    def __init__(
        self,
        service: ReviewService,
        settings: Settings,
        *,
        tips_for: TipsFor | None = None,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        self.outreach_service = service
        self.settings = settings
        self.reaction_policy = ReactionPolicy.from_settings(settings)
        self.poster = DiscordTipPoster(self)
        self.tips_commands = tips_for(self.poster) if tips_for else NoTips()
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents_for(reaction_trigger=self.reaction_policy.trigger is not None),
            tree_cls=OutreachTree,
            allowed_mentions=NO_MENTIONS,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            guild_ready_timeout=guild_ready_timeout,
        )

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ReviewButton)  # buttons of reviews sent before a restart
        cog = ReviewCog(self, self.outreach_service, self.tips_commands, self.reaction_policy)
        await self.add_cog(cog)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Globally, or instantly to `DISCORD_GUILD_ID` while developing."""
        guild_id = self.settings.discord_guild_id
        try:
            if guild_id:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
            else:
                synced = await self.tree.sync()
        except discord.HTTPException as exc:  # e.g. invited without applications.commands
            log_problem(exc, "sync_commands")
            return
        scope = f"guild {guild_id}" if guild_id else "global"
        log.info("discord commands synced", extra={"count": len(synced), "scope": scope})

    async def on_ready(self) -> None:
        if self.application_id is not None:
            log.info(
                "discord connected; invite with %s",
                invite_url(self.application_id),
                extra={"guilds": len(self.guilds)},
            )

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        error = sys.exc_info()[1] or RuntimeError("unknown error")
        log_problem(error, f"event:{event_method}")


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id, permissions=BOT_PERMISSIONS, scopes=INVITE_SCOPES
    )


def intents_for(*, reaction_trigger: bool) -> discord.Intents:
    """Guilds, guild messages and reactions; Message Content only for the reaction trigger."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.guild_reactions = True
    intents.message_content = reaction_trigger
    return intents


def api_base(value: str) -> str:
    base = value.rstrip("/")
    return base if re.search(r"/api/v\d+$", base) else base + API_VERSION_PATH


def point_at_endpoints(settings: Settings) -> None:
    """Apply DISCORD_API_BASE / DISCORD_GATEWAY_URL. discord.py keeps both on classes, so
    this is process-wide: one Discord bot per process, as `serve` runs it."""
    if settings.discord_api_base:
        Route.BASE = api_base(settings.discord_api_base)
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def build_bot(
    service: ReviewService,
    settings: Settings,
    *,
    tips_for: TipsFor | None = None,
    guild_ready_timeout: float = 2.0,
) -> OutreachBot:
    point_at_endpoints(settings)
    return OutreachBot(
        service, settings, tips_for=tips_for, guild_ready_timeout=guild_ready_timeout
    )


async def run_discord(
    service: ReviewService,
    settings: Settings,
    stop: asyncio.Event,
    *,
    bot: OutreachBot | None = None,
) -> None:
    """Connect and serve until `stop` is set, then close cleanly. Pass `bot` to keep a handle
    on it (for its `poster` or readiness checks)."""
    token = settings.discord_token
    if not token:
        raise SettingsError("DISCORD_TOKEN is not set: see docs/discord.md for how to get one.")
    bot = bot or build_bot(service, settings)
    async with bot:
        runner = asyncio.create_task(bot.start(token), name="discord-bot")
        stopper = asyncio.create_task(stop.wait(), name="discord-stop")
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if runner not in done:
            await bot.close()
        try:
            await runner
        except discord.LoginFailure:
            raise SettingsError("DISCORD_TOKEN was rejected by Discord: reset it.") from None
        except discord.PrivilegedIntentsRequired:
            raise SettingsError(
                "Discord refused the Message Content intent, which review by reaction needs "
                "(OUTREACH_REACTION, 🔍 unless set to off): enable it for the bot in the "
                "developer portal, or set OUTREACH_REACTION=off."
            ) from None
