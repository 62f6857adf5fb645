"""`python -m adapters.slack`: the Slack adapter alone, with the store, tips and scheduler.

`outreach-review serve` is the supported way to run every adapter in one process;
this entry point runs only Slack, which is handy when setting up a new Slack app.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import cast

from adapters.slack.app import build_client
from adapters.slack.poster import SlackTipPoster
from adapters.slack.server import check_settings, run_slack
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
    client = build_client(settings)
    posters = {"slack": SlackTipPoster(client)}
    library = load_library()
    service = ReviewService(
        settings,
        grader=build_grader(settings),
        store=store,
        tips=TipsCommands(store, library, posters, settings),
    )
    # cast: `Tickable.tick` is declared as returning list[object], and lists are invariant
    ticker = cast(Tickable, Ticker(store, library, posters, settings))
    scheduler = asyncio.create_task(run_scheduler(ticker, stop))
    try:
        await run_slack(service, settings, stop, client=client)
    finally:
        stop.set()
        await scheduler
        await service.aclose()
        store.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        loaded = load_settings()
        check_settings(loaded)
    except SettingsError as error:
        print(f"outreach-review: {error}", file=sys.stderr)
        sys.exit(2)
    asyncio.run(main(loaded))
