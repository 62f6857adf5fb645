"""The in-process scheduler `serve` runs: one tick a minute until `stop` is set.

APScheduler's interval trigger on the adapters' event loop: never two ticks at once
(`max_instances=1`), missed runs folded into one (`coalesce`), the first tick at start-up
so a bot that was down catches up at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger("outreach.tips")


class Tickable(Protocol):
    async def tick(self, at: datetime) -> Sequence[object]: ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _GuardedTick:
    """One tick; a failure (the store is down) is logged once, and its recovery once."""

    def __init__(self, ticker: Tickable, clock: Callable[[], datetime], interval_s: float):
        self.ticker = ticker
        self.clock = clock
        self.interval_s = interval_s
        self.failing = False
        self.running: asyncio.Task[object] | None = None

    async def run(self) -> None:
        self.running = asyncio.current_task()
        try:
            await self.ticker.tick(self.clock())
        except asyncio.CancelledError:
            # Shutdown cut this tick short; the claims make the next tick (here or on another
            # replica) take up whatever it had not posted. Nothing to report.
            log.info("tips tick interrupted by shutdown")
        except Exception as exc:
            if not self.failing:
                log.warning(
                    "tips tick failed; retrying every interval until the store is back",
                    extra={"error": type(exc).__name__, "interval_s": self.interval_s},
                )
            self.failing = True
        else:
            if self.failing:
                log.info("tips tick recovered")
            self.failing = False
        finally:
            self.running = None

    async def settle(self, timeout: float) -> bool:
        """Wait up to `timeout` s for the tick under way; False if it is still running."""
        tick = self.running
        if tick is None or tick.done():
            return True
        await asyncio.wait({tick}, timeout=max(0.0, timeout))
        return tick.done()


async def run_scheduler(
    ticker: Tickable,
    stop: asyncio.Event,
    interval_s: float = 60,
    clock: Callable[[], datetime] = _utcnow,
    settle_s: float = 5.0,
) -> None:
    """Tick every `interval_s` seconds until `stop` is set; then let the tick under way finish
    for up to `settle_s` seconds (past that it is cut short: the claims let the next tick, here
    or on another replica, take up what it had not posted). When this returns, no tick runs."""
    guarded = _GuardedTick(ticker, clock, interval_s)
    scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
    scheduler.add_job(
        guarded.run,  # a coroutine function: awaited on the loop
        "interval",
        seconds=interval_s,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        id="tips-tick",
    )
    scheduler.start()
    try:
        await stop.wait()
        scheduler.pause()  # no new tick
        await guarded.settle(settle_s)
    finally:
        scheduler.shutdown(wait=False)  # cancels a tick still running
        await guarded.settle(1.0)
