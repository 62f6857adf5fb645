"""The in-process scheduler `serve` runs: one tick a minute until `stop` is set.

A plain asyncio loop does what APScheduler's interval trigger would, with one
less moving part: it shares the event loop with the adapters, stops at once when
`stop` is set, and never overlaps two ticks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

log = logging.getLogger("outreach.tips")


class Tickable(Protocol):
    async def tick(self, at: datetime) -> Sequence[object]: ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


async def run_scheduler(
    ticker: Tickable,
    stop: asyncio.Event,
    interval_s: float = 60,
    clock: Callable[[], datetime] = _utcnow,
) -> None:
    """Tick every `interval_s` seconds; a failing tick is logged once, then retried quietly."""
    failing = False
    while not stop.is_set():
        try:
            await ticker.tick(clock())
        except Exception as exc:
            if not failing:
                log.warning(
                    "tips tick failed; retrying every interval until the store is back",
                    extra={"error": type(exc).__name__, "interval_s": interval_s},
                )
            failing = True
        else:
            if failing:
                log.info("tips tick recovered")
            failing = False
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
        except TimeoutError:
            pass
