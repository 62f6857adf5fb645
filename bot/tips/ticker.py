"""One tick: for every active subscription whose weekly slot has come, claim, post, record.

Exactly once per (subscription, ISO week): the delivery row is inserted BEFORE the
post and the unique constraint lets only one ticker insert it; a failed or
interrupted post is re-taken later in the same week by exactly one ticker via a
conditional UPDATE on its lease/backoff deadline. A past week is never posted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.ports import TipPoster
from bot.tips.delivery import (
    LEASE,
    TickOutcome,
    choose_next,
    digest_line,
    in_thread,
    post_claimed,
)

if TYPE_CHECKING:  # annotations only: the CLI starts faster without pydantic-settings
    from bot.settings import Settings
from bot.tips.library import TipLibrary
from bot.tips.records import Delivery, Subscription, TipsStore
from bot.tips.schedule import as_utc, iso_period, slot_at, week_monday

log = logging.getLogger("outreach.tips")


class Ticker:
    def __init__(
        self,
        store: TipsStore,
        library: TipLibrary,
        posters: Mapping[str, TipPoster],
        settings: Settings,
        *,
        lease: timedelta = LEASE,
    ) -> None:
        self.store = store
        self.library = library
        self.posters = posters
        self.settings = settings
        self.lease = lease

    async def tick(self, at: datetime) -> list[TickOutcome]:
        """Run one tick at instant `at`. Raises only when the subscriptions cannot be read."""
        at = as_utc(at)
        subscriptions = await in_thread(self.store.list_subscriptions, list(self.posters))
        outcomes = []
        for sub in subscriptions:
            try:
                outcome = await self._tick_one(sub, at)
            except Exception as exc:  # one bad row or a store hiccup: the others go on
                log.warning(
                    "tips tick failed for a subscription",
                    extra={"subscription_id": sub.id, "error": type(exc).__name__},
                )
                continue
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    async def _tick_one(self, sub: Subscription, at: datetime) -> TickOutcome | None:
        monday = week_monday(at, sub.timezone)
        slot = slot_at(monday, sub.weekday, sub.local_time, sub.timezone)
        if at < slot or slot < sub.subscribed_at:
            return None  # not yet this week, or subscribed after this week's slot
        period = iso_period(at, sub.timezone)
        delivery = await in_thread(self.store.delivery_for, sub.id, period)
        if delivery is None:
            delivery = await self._claim(sub, period, at)
        else:
            delivery = await self._reclaim(delivery, at)
        if delivery is None:
            return None
        tip = self.library.get(delivery.tip_id)
        if tip is None:  # the library changed under a pending retry
            await in_thread(self.store.mark_failed, delivery.id, "unknown_tip", None)
            return None
        digest = None
        if self.settings.outreach_tips_digest == "on":
            digest = await digest_line(self.store, sub, at)
        rendered = self.library.render(tip, period=period, digest=digest)
        week_end = slot_at(monday + timedelta(days=7), 0, "00:00", sub.timezone)
        return await post_claimed(
            self.store,
            self.posters[sub.platform],
            sub,
            delivery,
            rendered,
            at,
            retry_until=week_end,
        )

    async def _claim(self, sub: Subscription, period: str, at: datetime) -> Delivery | None:
        await in_thread(self.store.expire_weekly, sub.id, period)
        tip_id, cycle = await choose_next(self.store, self.library, sub)
        return await in_thread(
            self.store.claim_delivery,
            subscription_id=sub.id,
            kind="weekly",
            period=period,
            tip_id=tip_id,
            cycle=cycle,
            now=at,
            lease_until=at + self.lease,
        )

    async def _reclaim(self, delivery: Delivery, at: datetime) -> Delivery | None:
        """Retake a pending delivery whose lease (crash) or backoff (failure) has run out."""
        if delivery.status != "pending" or delivery.next_attempt_at > at:
            return None
        if not await in_thread(self.store.reclaim_delivery, delivery.id, at, at + self.lease):
            return None  # another ticker took it first
        return replace(delivery, attempts=delivery.attempts + 1, next_attempt_at=at + self.lease)
