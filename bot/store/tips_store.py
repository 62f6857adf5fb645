"""Tip subscriptions and deliveries: the SQL behind `bot.tips.records.TipsStore`.

Exactly-once rests on two statements here: `claim_delivery` (an INSERT that the
unique (subscription, period) constraint lets succeed once) and `reclaim_delivery`
(a conditional UPDATE that only one caller can win after a lease or backoff ends).
"""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Table, func, select, update

from bot.store.tables import (
    DailyReviewCount,
    DailyViolationCount,
    TipDelivery,
    TipSubscription,
)
from bot.store.upsert import insert_for
from bot.tips.records import (
    Delivery,
    DeliveryKind,
    HistoryEntry,
    ReviewSummary,
    Subscription,
)

SUBS: Table = TipSubscription.__table__  # type: ignore[assignment]
DELIVERIES: Table = TipDelivery.__table__  # type: ignore[assignment]
REVIEW_COUNTS: Table = DailyReviewCount.__table__  # type: ignore[assignment]
VIOLATION_COUNTS: Table = DailyViolationCount.__table__  # type: ignore[assignment]

_SUB_FIELDS = tuple(Subscription.__dataclass_fields__)
_DELIVERY_FIELDS = tuple(Delivery.__dataclass_fields__)


def _subscription(row: Any) -> Subscription:
    return Subscription(**{name: getattr(row, name) for name in _SUB_FIELDS})


def _delivery(row: Any) -> Delivery:
    return Delivery(**{name: getattr(row, name) for name in _DELIVERY_FIELDS})


class TipsStoreMixin:
    _engine: Engine

    def flush_counts(self) -> None:  # the Store writes its buffered review counts here
        """Write buffered counts before they are read (overridden by the Store)."""

    def get_subscription(self, platform: str, workspace: str, channel: str) -> Subscription | None:
        query = select(SUBS).where(
            SUBS.c.platform == platform, SUBS.c.workspace == workspace, SUBS.c.channel == channel
        )
        with self._engine.begin() as conn:
            row = conn.execute(query).first()
        return _subscription(row) if row else None

    def subscribe(
        self,
        *,
        platform: str,
        workspace: str,
        channel: str,
        weekday: int,
        local_time: str,
        timezone: str,
        user: str,
        now: datetime,
    ) -> Subscription:
        """Create or re-activate the channel's subscription; the rotation history is kept."""
        schedule = {
            "weekday": weekday,
            "local_time": local_time,
            "timezone": timezone,
            "subscribed_by": user,
            "subscribed_at": now,
            "active": True,
        }
        with self._engine.begin() as conn:
            stmt = insert_for(conn, SUBS).values(
                platform=platform,
                workspace=workspace,
                channel=channel,
                rotation_seed=random.randrange(1, 2**31 - 1),
                **schedule,
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["platform", "workspace", "channel"], set_=schedule
                )
            )
        found = self.get_subscription(platform, workspace, channel)
        assert found is not None
        return found

    def ensure_channel(
        self, *, platform: str, workspace: str, channel: str, timezone: str, now: datetime
    ) -> Subscription:
        """The channel's row, created inactive when it has never used tips (for `now`)."""
        with self._engine.begin() as conn:
            stmt = insert_for(conn, SUBS).values(
                platform=platform,
                workspace=workspace,
                channel=channel,
                weekday=0,
                local_time="09:00",
                timezone=timezone,
                subscribed_by="",
                subscribed_at=now,
                active=False,
                rotation_seed=random.randrange(1, 2**31 - 1),
            )
            conn.execute(stmt.on_conflict_do_nothing())
        found = self.get_subscription(platform, workspace, channel)
        assert found is not None
        return found

    def unsubscribe(self, platform: str, workspace: str, channel: str) -> bool:
        stmt = (
            update(SUBS)
            .where(
                SUBS.c.platform == platform,
                SUBS.c.workspace == workspace,
                SUBS.c.channel == channel,
                SUBS.c.active.is_(True),
            )
            .values(active=False)
        )
        with self._engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def deactivate(self, subscription_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(SUBS).where(SUBS.c.id == subscription_id).values(active=False))

    def list_subscriptions(
        self, platforms: Collection[str] | None = None, *, active_only: bool = True
    ) -> list[Subscription]:
        query = select(SUBS).order_by(SUBS.c.id)
        if active_only:
            query = query.where(SUBS.c.active.is_(True))
        if platforms is not None:
            query = query.where(SUBS.c.platform.in_(list(platforms)))
        with self._engine.begin() as conn:
            return [_subscription(row) for row in conn.execute(query)]

    def rotation_history(self, subscription_id: int) -> list[HistoryEntry]:
        """Tips posted (or being posted) in the channel, oldest first."""
        query = (
            select(DELIVERIES.c.tip_id, DELIVERIES.c.cycle)
            .where(
                DELIVERIES.c.subscription_id == subscription_id,
                DELIVERIES.c.status.in_(["posted", "pending"]),
            )
            .order_by(DELIVERIES.c.claimed_at, DELIVERIES.c.id)
        )
        with self._engine.begin() as conn:
            return [HistoryEntry(row.tip_id, row.cycle) for row in conn.execute(query)]

    def delivery_for(self, subscription_id: int, period: str) -> Delivery | None:
        query = select(DELIVERIES).where(
            DELIVERIES.c.subscription_id == subscription_id, DELIVERIES.c.period == period
        )
        with self._engine.begin() as conn:
            row = conn.execute(query).first()
        return _delivery(row) if row else None

    def last_posted(self, subscription_id: int) -> Delivery | None:
        query = (
            select(DELIVERIES)
            .where(
                DELIVERIES.c.subscription_id == subscription_id,
                DELIVERIES.c.status == "posted",
            )
            .order_by(DELIVERIES.c.posted_at.desc(), DELIVERIES.c.id.desc())
            .limit(1)
        )
        with self._engine.begin() as conn:
            row = conn.execute(query).first()
        return _delivery(row) if row else None

    def claim_delivery(
        self,
        *,
        subscription_id: int,
        kind: DeliveryKind,
        period: str,
        tip_id: str,
        cycle: int,
        now: datetime,
        lease_until: datetime,
    ) -> Delivery | None:
        """Insert the delivery row; None when someone else already holds this period."""
        with self._engine.begin() as conn:
            stmt = insert_for(conn, DELIVERIES).values(
                subscription_id=subscription_id,
                kind=kind,
                period=period,
                tip_id=tip_id,
                cycle=cycle,
                status="pending",
                attempts=1,
                claimed_at=now,
                next_attempt_at=lease_until,
            )
            stmt = stmt.on_conflict_do_nothing().returning(*DELIVERIES.c)
            row = conn.execute(stmt).first()
        return _delivery(row) if row else None

    def reclaim_delivery(self, delivery_id: int, now: datetime, lease_until: datetime) -> bool:
        """Take a pending delivery whose lease or backoff has run out; one caller wins."""
        stmt = (
            update(DELIVERIES)
            .where(
                DELIVERIES.c.id == delivery_id,
                DELIVERIES.c.status == "pending",
                DELIVERIES.c.next_attempt_at <= now,
            )
            .values(next_attempt_at=lease_until, attempts=DELIVERIES.c.attempts + 1)
        )
        with self._engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def mark_posted(self, delivery_id: int, message_ref: str, now: datetime) -> None:
        stmt = (
            update(DELIVERIES)
            .where(DELIVERIES.c.id == delivery_id)
            .values(status="posted", posted_at=now, message_ref=message_ref[:255], last_error=None)
        )
        with self._engine.begin() as conn:
            conn.execute(stmt)

    def mark_failed(self, delivery_id: int, error: str, retry_at: datetime | None) -> None:
        """Record a failed attempt: retried after `retry_at`, or given up when it is None."""
        values: dict[str, Any] = {"last_error": error[:64]}
        if retry_at is None:
            values["status"] = "failed"
        else:
            values["next_attempt_at"] = retry_at
        stmt = (
            update(DELIVERIES)
            .where(DELIVERIES.c.id == delivery_id, DELIVERIES.c.status == "pending")
            .values(**values)
        )
        with self._engine.begin() as conn:
            conn.execute(stmt)

    def expire_weekly(self, subscription_id: int, current_period: str) -> int:
        """Give up on weekly posts of past weeks that never went out (never post them late)."""
        stmt = (
            update(DELIVERIES)
            .where(
                DELIVERIES.c.subscription_id == subscription_id,
                DELIVERIES.c.kind == "weekly",
                DELIVERIES.c.status == "pending",
                DELIVERIES.c.period < current_period,
            )
            .values(status="failed", last_error="expired")
        )
        with self._engine.begin() as conn:
            return conn.execute(stmt).rowcount

    def review_summary(
        self, platform: str, workspace: str, first_day: date, last_day: date
    ) -> ReviewSummary:
        def scoped(table: Table) -> list[Any]:
            return [
                table.c.platform == platform,
                table.c.workspace == workspace,
                table.c.day >= first_day,
                table.c.day <= last_day,
            ]

        self.flush_counts()
        total_q = select(func.coalesce(func.sum(REVIEW_COUNTS.c.reviews), 0)).where(
            *scoped(REVIEW_COUNTS)
        )
        total_violations = func.sum(VIOLATION_COUNTS.c.violations)
        top_q = (
            select(VIOLATION_COUNTS.c.principle_id, total_violations.label("n"))
            .where(*scoped(VIOLATION_COUNTS))
            .group_by(VIOLATION_COUNTS.c.principle_id)
            .order_by(total_violations.desc(), VIOLATION_COUNTS.c.principle_id)
            .limit(1)
        )
        with self._engine.begin() as conn:
            total = int(conn.execute(total_q).scalar_one())
            top = conn.execute(top_q).first()
        if top is None:
            return ReviewSummary(total, None, 0)
        return ReviewSummary(total, str(top.principle_id), int(top.n))
