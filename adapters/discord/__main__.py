"""`python -m adapters.discord`: the Discord adapter alone, with the store, tips and scheduler.

`outreach-review serve` is the supported way to run every adapter in one process;
this entry point runs only Discord, which is handy when setting up a new Discord application.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import cast

from adapters.discord.app import build_bot, run_discord
from adapters.discord.poster import DiscordTipPoster
from bot.app import build_grader
from bot.service import ReviewService
from bot.settings import Settings, SettingsError, load_settings
from bot.store import open_store
from bot.tips import Ticker, TipsCommands, load_library, run_scheduler
from bot.tips.scheduler import Tickable


async def main(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    store = open_store(settings.database_url)
    service = ReviewService(settings, grader=build_grader(settings), store=store)
    bot = build_bot(service, settings)
    posters = {
        "discord": DiscordTipPoster(bot)
    }  # the poster needs the client, the client the service
    library = load_library()
    service.tips = TipsCommands(store, library, posters, settings)
    ticker = cast(Tickable, Ticker(store, library, posters, settings))
    scheduler = asyncio.create_task(run_scheduler(ticker, stop))
    try:
        await run_discord(service, settings, stop, bot=bot)
    finally:
        stop.set()
        await scheduler
        await service.aclose()
        store.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        loaded = load_settings()
        if not loaded.discord_token:
            raise SettingsError("DISCORD_TOKEN is not set: see docs/discord.md for how to get one.")
    except SettingsError as error:
        print(f"outreach-review: {error}", file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(main(loaded))
    except SettingsError as error:
        print(f"outreach-review: {error}", file=sys.stderr)
        sys.exit(2)
