"""What the tips code reads from and writes to the store, in plain values.

`bot.store` implements `TipsStore`; the tips code depends on this protocol only,
so importing `bot.tips` never pulls in SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

DeliveryKind = Literal["weekly", "manual"]
DeliveryStatus = Literal["pending", "posted", "failed"]


@dataclass(frozen=True)
class Subscription:
    """One channel that has used tips; `active` says whether it gets the weekly post."""

    id: int
    platform: str
    workspace: str
    channel: str
    weekday: int  # 0 = Monday
    local_time: str  # "HH:MM" in `timezone`
    timezone: str  # IANA name
    subscribed_by: str
    subscribed_at: datetime  # aware, UTC; slots before this instant are never due
    active: bool
    rotation_seed: int


@dataclass(frozen=True)
class Delivery:
    """One claimed post: the weekly slot of a period, or a manual `now`."""

    id: int
    subscription_id: int
    kind: DeliveryKind
    period: str  # ISO year-week ("2026-W48") for weekly rows, "now:<id>" for manual ones
    tip_id: str
    cycle: int
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime  # lease while posting, then the backoff deadline
    posted_at: datetime | None
    message_ref: str | None
    last_error: str | None


@dataclass(frozen=True)
class HistoryEntry:
    tip_id: str
    cycle: int


@dataclass(frozen=True)
class ReviewSummary:
    reviews: int
    top_problem: str | None  # principle id
    top_problem_count: int


class TipsStore(Protocol):
    def get_subscription(
        self, platform: str, workspace: str, channel: str
    ) -> Subscription | None: ...

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
    ) -> Subscription: ...

    def ensure_channel(
        self, *, platform: str, workspace: str, channel: str, timezone: str, now: datetime
    ) -> Subscription: ...

    def unsubscribe(self, platform: str, workspace: str, channel: str) -> bool: ...

    def deactivate(self, subscription_id: int) -> None: ...

    def list_subscriptions(
        self, platforms: Collection[str] | None = None, *, active_only: bool = True
    ) -> list[Subscription]: ...

    def rotation_history(self, subscription_id: int) -> list[HistoryEntry]: ...

    def delivery_for(self, subscription_id: int, period: str) -> Delivery | None: ...

    def last_posted(self, subscription_id: int) -> Delivery | None: ...

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
    ) -> Delivery | None: ...

    def reclaim_delivery(self, delivery_id: int, now: datetime, lease_until: datetime) -> bool: ...

    def mark_posted(self, delivery_id: int, message_ref: str, now: datetime) -> None: ...

    def mark_failed(self, delivery_id: int, error: str, retry_at: datetime | None) -> None: ...

    def expire_weekly(self, subscription_id: int, current_period: str) -> int: ...

    def review_summary(
        self, platform: str, workspace: str, first_day: date, last_day: date
    ) -> ReviewSummary: ...
