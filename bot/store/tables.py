"""The schema: everything the bot stores, and nothing more (never a draft's text).

The Alembic revisions in `bot/store/migrations/versions` create exactly these
tables; a test compares the migrated database with this metadata.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps naive UTC text, sortable)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class TipSubscription(Base):
    """A channel that has used tips; `active` rows get the weekly post."""

    __tablename__ = "tip_subscriptions"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "channel", name="uq_tip_subscriptions_channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(128))
    weekday: Mapped[int] = mapped_column(Integer)
    local_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    subscribed_by: Mapped[str] = mapped_column(String(128))
    subscribed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    active: Mapped[bool] = mapped_column(Boolean)
    rotation_seed: Mapped[int] = mapped_column(Integer)


class TipDelivery(Base):
    """One claimed post. The unique (subscription, period) row IS the weekly claim."""

    __tablename__ = "tip_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "period", name="uq_tip_deliveries_period"),
        Index("ix_tip_deliveries_subscription_status", "subscription_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("tip_subscriptions.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(48))
    tip_id: Mapped[str] = mapped_column(String(64))
    cycle: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    message_ref: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ProcessedEvent(Base):
    """A platform event seen once; the primary key makes the claim atomic across replicas."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime())


class ReviewFeedback(Base):
    __tablename__ = "review_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[str] = mapped_column(String(64), index=True)
    vote: Mapped[str] = mapped_column(String(16))
    statuses: Mapped[dict[str, str]] = mapped_column(JSON)
    platform: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DailyReviewCount(Base):
    __tablename__ = "daily_review_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(128), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16), primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer)


class DailyViolationCount(Base):
    __tablename__ = "daily_violation_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(128), primary_key=True)
    principle_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    violations: Mapped[int] = mapped_column(Integer)


class RateLimitWindow(Base):
    """Fixed one-minute windows per user, shared by every replica."""

    __tablename__ = "rate_limit_windows"

    user_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
