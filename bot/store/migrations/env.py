"""Alembic environment. `bot.store.db.upgrade` passes a connection in `config.attributes`;
`alembic -x url=...` from a shell also works for operators who want Alembic's own CLI.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.store.tables import Base

config = context.config
connection = config.attributes.get("connection")


def _only_ours(name: str | None, type_: str, _parents: object) -> bool:
    # Other components keep tables in the same database (the Slack adapter's OAuth
    # installations): autogenerate compares only the tables this project declares.
    return type_ != "table" or name in Base.metadata.tables


def _run(conn: object) -> None:
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        include_name=_only_ours,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database with: alembic -x url=DATABASE_URL upgrade head")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
