"""Engines for SQLite and PostgreSQL, and the Alembic upgrade run from code."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url

log = logging.getLogger("outreach.store")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any constant works; it only has to be the same for every replica.
_PG_MIGRATION_LOCK = 7_204_315_001
SQLITE_BUSY_TIMEOUT_S = 30
# PostgreSQL: a server that does not answer the connection in 5 s is down; a statement that
# runs 10 s is cut by the server; TCP keepalives (and unacknowledged writes) find a silent
# peer in under 30 s, so a connection to a vanished host does not wait for the kernel's hours.
PG_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 20_000,
}
PG_STATEMENT_TIMEOUT_MS = 10_000


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        # What the URL sets itself (e.g. ?connect_timeout=2) wins.
        connect_args = {k: v for k, v in PG_CONNECT_ARGS.items() if k not in url.query}
        options = url.query.get("options", "")
        if isinstance(options, str) and "statement_timeout" not in options:
            timeout = f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}"
            connect_args["options"] = f"{options} {timeout}".strip()
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the pysqlite default defers it,
    # which breaks transactional DDL and turns read-then-write into SQLITE_BUSY errors).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL once. The switch needs the file to itself and, unlike other
    statements, fails at once instead of waiting when another connection holds it (replicas
    starting together on a fresh file), so it is retried for up to the busy timeout. Any
    other failure (a read-only file or directory, a full disk) is final: raised at once."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _is_busy(exc: sqlite3.Error) -> bool:
    """Another connection holds the file (SQLITE_BUSY or SQLITE_LOCKED, extended codes too)."""
    return exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _sqlite_begin_immediate(connection: Connection) -> None:
    # One writer at a time, taken up front: every transaction sees a stable database,
    # and concurrent migrations on a fresh file wait for each other.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Apply every migration up to head, once, even with several replicas starting at once."""
    alembic_log = logging.getLogger("alembic")
    if alembic_log.level == logging.NOTSET:  # its per-start INFO lines say nothing useful
        alembic_log.setLevel(logging.WARNING)
    head = head_revision()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        before = MigrationContext.configure(connection).get_current_revision()
        if before != head:
            command.upgrade(_alembic_config(connection), "head")
            log.info("database migrated", extra={"from_revision": before, "to_revision": head})
        # A store that can be read but not written (a read-only file, a standby server) is a
        # store that is down: find out now, not on each review.
        connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
    return head


def describe(database_url: str) -> str:
    """The database, for a message: a SQLite file's path, else the URL without its password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ":memory:"
        if database.startswith("file:") or database == ":memory:":
            return database
        return str(Path(database).expanduser().resolve())
    return url.render_as_string(hide_password=True)


def failure_cause(exc: BaseException) -> str:
    """What the driver said, on one line (e.g. "attempt to write a readonly database")."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__
