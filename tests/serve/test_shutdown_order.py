"""Shutdown closes the store last: after the tips tick and every other call that uses it, never
under one still running in its thread (that printed "Cannot operate on a closed database" with
a traceback when `serve --console` was given bytes that are not UTF-8 on a loaded machine)."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
import time
from collections.abc import Collection
from pathlib import Path

import pytest

from bot.compose.platforms import Platforms
from bot.compose.runtime import Runtime
from bot.settings import Settings
from bot.store import Store, open_store
from bot.store.reconnecting import ReconnectingStore, StoreUnavailable
from bot.tips.records import Subscription

SLOW_CALL_S = 0.5


class SlowStore(Store):
    """A real SQLite store whose tips listing takes a while; it notes when calls run and when
    it is closed."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.engine)
        self.started = threading.Event()
        self.calls: list[tuple[float, float]] = []
        self.closed_at: float | None = None

    def list_subscriptions(
        self, platforms: Collection[str] | None = None, *, active_only: bool = True
    ) -> list[Subscription]:
        began = time.monotonic()
        self.started.set()
        time.sleep(SLOW_CALL_S)
        found = super().list_subscriptions(platforms, active_only=active_only)
        self.calls.append((began, time.monotonic()))
        return found

    def close(self) -> None:
        self.closed_at = time.monotonic()
        super().close()


def test_close_waits_for_a_running_call_and_refuses_new_ones(tmp_path: Path) -> None:
    slow = SlowStore(open_store(f"sqlite:///{tmp_path}/s.db"))
    store = ReconnectingStore("sqlite://", opener=lambda url: slow)
    running = threading.Thread(target=store.list_subscriptions)
    running.start()
    assert slow.started.wait(5)
    store.close()
    running.join(5)
    [(_, ended)] = slow.calls
    assert slow.closed_at is not None and slow.closed_at >= ended
    with pytest.raises(StoreUnavailable):
        store.list_subscriptions()


async def test_serve_closes_the_store_after_the_tick_under_way(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    slow = SlowStore(open_store(f"sqlite:///{tmp_path}/serve.db"))
    store = ReconnectingStore("sqlite://", opener=lambda url: slow)
    settings = Settings(outreach_llm="off", database_url=f"sqlite:///{tmp_path}/serve.db")
    stdin = io.TextIOWrapper(io.BytesIO(b"Hi Jo, \xff\xfe a draft"), encoding="utf-8")
    runtime = Runtime(
        settings, Platforms(False, False, True), store=store, stdin=stdin, stdout=io.StringIO()
    )
    caplog.set_level(logging.INFO)
    await runtime.start()
    try:
        started = await asyncio.to_thread(slow.started.wait, 5)
        assert started, "the first tick reads the subscriptions"
        code = await runtime.wait(asyncio.Event())  # until the console ends
    finally:
        await runtime.shutdown()
    assert code == 2, "the console says the bytes are not UTF-8"
    assert slow.calls and slow.closed_at is not None
    assert all(ended <= slow.closed_at for _, ended in slow.calls), "closed under a call"
    assert [r for r in caplog.records if r.exc_info] == [], "no traceback"
