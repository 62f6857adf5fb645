"""The in-process scheduler: ticks on an interval, survives a store that is down, stops."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import pytest

from bot.tips import run_scheduler


class FlakyTicker:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[datetime] = []

    async def tick(self, at: datetime) -> list[object]:
        self.calls.append(at)
        if len(self.calls) <= self.failures:
            raise ConnectionError("store down")
        return []


async def test_failing_ticks_are_logged_once_and_retried(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="outreach.tips")
    ticker = FlakyTicker(failures=4)
    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(ticker, stop, interval_s=0.01))
    while len(ticker.calls) < 7:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, timeout=2)
    messages = [record.getMessage() for record in caplog.records]
    assert sum("tips tick failed" in m for m in messages) == 1
    assert sum("recovered" in m for m in messages) == 1


async def test_stop_ends_the_loop_without_waiting_for_the_interval() -> None:
    ticker = FlakyTicker(failures=0)
    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(ticker, stop, interval_s=3600))
    while not ticker.calls:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, timeout=1)
    assert len(ticker.calls) == 1
