"""Discord adapter: slash command, message menu, review-by-reaction, tips, buttons."""

from adapters.discord.app import OutreachBot, build_bot, intents_for, run_discord
from adapters.discord.poster import DiscordTipPoster
from adapters.discord.shutdown import settle_work

__all__ = [
    "DiscordTipPoster",
    "OutreachBot",
    "build_bot",
    "intents_for",
    "run_discord",
    "settle_work",
]
