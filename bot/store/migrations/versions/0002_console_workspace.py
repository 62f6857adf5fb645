"""The console's tips subscriptions use one workspace value, "" (no workspace).

The console's own /outreachtips used to store "local" while `outreach-review tips
--platform console` stored "", so each side missed the other's subscription. Per console
channel, the row to keep is the active one (then the "" one, then the oldest); it takes
workspace "" and the other rows of that channel are turned off, their history kept.

Revision ID: 0002_console_workspace
Revises: 0001_initial
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_console_workspace"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

CONSOLE_WORKSPACE = ""  # frozen here: bot.ports.CONSOLE_WORKSPACE at the time of writing
SCHEDULE = ("weekday", "local_time", "timezone", "subscribed_by", "subscribed_at", "active")

subscriptions = sa.table(
    "tip_subscriptions",
    sa.column("id", sa.Integer),
    sa.column("platform", sa.String),
    sa.column("workspace", sa.String),
    sa.column("channel", sa.String),
    *(sa.column(name) for name in SCHEDULE),
)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(subscriptions).where(subscriptions.c.platform == "console")).all()
    by_channel: dict[str, list[sa.Row[tuple[object, ...]]]] = {}
    for row in rows:
        by_channel.setdefault(row.channel, []).append(row)
    for channel_rows in by_channel.values():
        if all(row.workspace == CONSOLE_WORKSPACE for row in channel_rows):
            continue
        keep = min(
            channel_rows,
            key=lambda row: (not row.active, row.workspace != CONSOLE_WORKSPACE, row.id),
        )
        target = next((r for r in channel_rows if r.workspace == CONSOLE_WORKSPACE), None)
        for row in channel_rows:
            if row.id not in (keep.id, getattr(target, "id", None)):
                _update(conn, row.id, active=False)
        if target is None:  # nothing at "" yet: the kept row moves there
            _update(conn, keep.id, workspace=CONSOLE_WORKSPACE)
        elif target.id != keep.id:  # the "" row takes the kept row's schedule
            _update(conn, target.id, **{name: getattr(keep, name) for name in SCHEDULE})
            _update(conn, keep.id, active=False)


def _update(conn: sa.Connection, row_id: int, **values: object) -> None:
    conn.execute(subscriptions.update().where(subscriptions.c.id == row_id).values(**values))


def downgrade() -> None:
    pass  # data only: the rows stay at "" (which rows were "local" before is not kept)
