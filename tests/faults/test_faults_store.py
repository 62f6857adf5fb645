"""The database going away: reviews go on, duplicates are still caught in memory, and once
the database is back, event dedupe is shared again and the missed weekly tip is posted.

Uses `serve`'s own `ReconnectingStore` around a real SQLite store whose connection we cut
(every call raises SQLAlchemy's `OperationalError`, as a refused connection does)."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy.exc import OperationalError

from bot.store import Store, open_store
from bot.store.reconnecting import ReconnectingStore
from bot.tips import Ticker, load_library, run_scheduler
from tests.fakes.slack_harness import SlackHarness
from tests.fakes.slack_payloads import reaction
from tests.fakes.tips_env import T0, RecordingPoster, subscribe, tips_settings

DRAFT = (
    "Hi Sam, your talk on onboarding at DataConf stuck with me, especially the part about "
    "first-week buddies. How did you get the managers to buy in?"
)

RETRY_S = 0.1
MONDAY_SLOT = datetime(2026, 1, 5, 9, 0, tzinfo=T0.tzinfo)  # first Monday 09:00 after T0


class Outage:
    """A switch for the database: while `down`, opening or using the store fails."""

    def __init__(self, *, down: bool) -> None:
        self.down = down

    def check(self) -> None:
        if self.down:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database is down"))

    def opener(self, url: str) -> Store:
        self.check()
        return cast(Store, CutStore(open_store(url), self))


class CutStore:
    """A real store whose every call goes through the outage switch."""

    def __init__(self, store: Store, outage: Outage) -> None:
        self._store, self._outage = store, outage

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if not callable(attribute) or name == "close":
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self._outage.check()
            return attribute(*args, **kwargs)

        return call


def reconnecting(url: str, outage: Outage) -> ReconnectingStore:
    return ReconnectingStore(url, opener=outage.opener, retry_s=RETRY_S)


async def test_reviews_go_on_while_down_and_dedupe_is_shared_again_once_back(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/outreach.db"
    outage = Outage(down=True)
    stores = [reconnecting(url, outage), reconnecting(url, outage)]
    async with (
        SlackHarness(store=stores[0]) as one,
        SlackHarness(api=one.api, store=stores[1]) as two,
    ):
        api = one.api
        # down: a slash command is reviewed as usual
        await one.command(DRAFT)
        [posted] = await api.wait_for_post("r1")
        assert "Graded by" in json.dumps(posted["blocks"])
        # down: Slack's retries to the same replica are still caught (in memory)
        during = api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        for retry in (None, 1, 2):
            await one.event(reaction(during["ts"]), event_id="Ev1", retry_num=retry)
        await api.wait_for("chat.postMessage")
        # back: two replicas receiving the same event post once, through the database
        outage.down = False
        await asyncio.sleep(RETRY_S * 2)
        after = api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        await asyncio.gather(
            one.event(reaction(after["ts"]), event_id="Ev2"),
            two.event(reaction(after["ts"]), event_id="Ev2", retry_num=1),
        )
        await api.wait_for("chat.postMessage", count=2)
        await asyncio.sleep(0.3)
        threads = [c.params["thread_ts"] for c in api.calls_to("chat.postMessage")]
        assert sorted(threads) == sorted([during["ts"], after["ts"]]), "one review per message"
    check = open_store(url)
    try:
        assert check.claim_event("slack", f"reaction:C0GENERAL:{after['ts']}") is False
    finally:
        check.close()
        for store in stores:
            store.close()


async def test_a_tip_due_during_an_outage_is_posted_once_when_the_store_is_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    outage = Outage(down=False)
    store = reconnecting(f"sqlite:///{tmp_path}/outreach.db", outage)
    subscribe(store)
    poster = RecordingPoster()
    ticker = Ticker(store, load_library(), {"console": poster}, tips_settings())
    stop = asyncio.Event()
    outage.down = True  # the database goes away before Monday 09:00...
    clock = MONDAY_SLOT + timedelta(minutes=5)  # ...and the scheduler ticks past the slot
    scheduler = asyncio.create_task(
        run_scheduler(ticker, stop, interval_s=0.05, clock=lambda: clock)
    )
    try:
        await asyncio.sleep(0.4)
        assert poster.posts == [], "nothing can be posted while the store is down"
        outage.down = False
        for _ in range(60):
            if poster.posts:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # several more ticks: still exactly one post
        assert [(p.channel, p.period) for p in poster.posts] == [("C1", poster.posts[0].period)]
        assert poster.posts[0].period is not None
    finally:
        stop.set()
        await asyncio.wait_for(scheduler, 5)
        store.close()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("tips tick failed" in m for m in messages) == 1, "the outage is logged once"
    assert any("tips tick recovered" in m for m in messages)
