"""Initial schema: tip subscriptions and deliveries, processed events, feedback,
daily review counts, rate-limit windows.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tip_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(128), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("local_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("subscribed_by", sa.String(128), nullable=False),
        sa.Column("subscribed_at", TS, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("rotation_seed", sa.Integer(), nullable=False),
        sa.UniqueConstraint(
            "platform", "workspace", "channel", name="uq_tip_subscriptions_channel"
        ),
    )
    op.create_table(
        "tip_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("tip_subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(48), nullable=False),
        sa.Column("tip_id", sa.String(64), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", TS, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("posted_at", TS, nullable=True),
        sa.Column("message_ref", sa.String(255), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=True),
        sa.UniqueConstraint("subscription_id", "period", name="uq_tip_deliveries_period"),
    )
    op.create_index(
        "ix_tip_deliveries_subscription_status", "tip_deliveries", ["subscription_id", "status"]
    )
    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("event_key", sa.String(255), primary_key=True),
        sa.Column("first_seen", TS, nullable=False),
    )
    op.create_table(
        "review_feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.String(64), nullable=False),
        sa.Column("vote", sa.String(16), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_review_feedback_review_id", "review_feedback", ["review_id"])
    op.create_table(
        "daily_review_counts",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("workspace", sa.String(128), primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("verdict", sa.String(16), primary_key=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
    )
    op.create_table(
        "daily_violation_counts",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("workspace", sa.String(128), primary_key=True),
        sa.Column("principle_id", sa.String(64), primary_key=True),
        sa.Column("violations", sa.Integer(), nullable=False),
    )
    op.create_table(
        "rate_limit_windows",
        sa.Column("user_key", sa.String(255), primary_key=True),
        sa.Column("window_start", TS, primary_key=True),
        sa.Column("hits", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "rate_limit_windows",
        "daily_violation_counts",
        "daily_review_counts",
        "review_feedback",
        "processed_events",
        "tip_deliveries",
        "tip_subscriptions",
    ):
        op.drop_table(table)
