"""The store on SQLite and PostgreSQL: migrations, events once, feedback, counts, rate limits,
and a database that is down never stopping a review."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from bot.models import Review
from bot.service import ReviewService
from bot.store import Store, open_store
from bot.store.db import current_revision, head_revision
from bot.store.store import FEEDBACK
from bot.store.tables import Base
from tests.fakes.tips_env import make_review, tips_settings

TABLES = {
    "tip_subscriptions",
    "tip_deliveries",
    "processed_events",
    "review_feedback",
    "daily_review_counts",
    "daily_violation_counts",
    "rate_limit_windows",
}


def test_migrations_from_an_empty_database_create_every_table_at_head(db_url: str) -> None:
    store = open_store(db_url)
    try:
        names = set(inspect(store.engine).get_table_names())
        assert TABLES <= names and "alembic_version" in names
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:  # the migrations build exactly the models
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        store.close()
    again = open_store(db_url)  # a second start is a no-op
    assert again.ping()
    again.close()


def test_sqlite_directory_is_created_on_first_use(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "dir" / "outreach.db"
    store = open_store(f"sqlite:///{target}")
    store.close()
    assert target.is_file()


def test_claim_event_is_true_once_across_two_store_instances(db_url: str) -> None:
    first, second = open_store(db_url), open_store(db_url)
    try:
        assert first.claim_event("slack", "Ev123") is True
        assert second.claim_event("slack", "Ev123") is False
        assert first.claim_event("slack", "Ev123") is False
        assert second.claim_event("discord", "Ev123") is True  # keys are per platform
        assert first.prune_events(datetime.now(UTC) + timedelta(seconds=1)) == 2
        assert second.claim_event("slack", "Ev123") is True  # forgotten after pruning
    finally:
        first.close()
        second.close()


def test_feedback_keeps_the_vote_and_statuses_and_no_draft(store: Store) -> None:
    statuses = {"about_them": "fail", "specific": "pass"}
    store.record_feedback("rev-1", "down", statuses, "slack")
    with store.engine.connect() as conn:
        rows = conn.execute(select(FEEDBACK)).mappings().all()
    assert len(rows) == 1
    assert rows[0]["review_id"] == "rev-1" and rows[0]["vote"] == "down"
    assert rows[0]["statuses"] == statuses and rows[0]["platform"] == "slack"
    assert set(rows[0]) == {"id", "review_id", "vote", "statuses", "platform", "created_at"}


def test_daily_counts_give_last_weeks_total_and_most_common_problem(store: Store) -> None:
    monday = datetime(2026, 11, 16, 12, tzinfo=UTC)
    for offset, violated in [
        (0, {"asks_questions": "fail", "specific": "warn"}),
        (1, {"asks_questions": "warn"}),
        (6, {"no_pitch": "fail"}),
        (7, {"no_pitch": "fail"}),  # next week: outside the range asked for
    ]:
        store.count_review(
            "slack", "T1", make_review(violated), now=monday + timedelta(days=offset)
        )
    store.count_review("slack", "T2", make_review({"no_pitch": "fail"}), now=monday)
    summary = store.review_summary("slack", "T1", date(2026, 11, 16), date(2026, 11, 22))
    assert (summary.reviews, summary.top_problem, summary.top_problem_count) == (
        3,
        "asks_questions",
        2,
    )
    empty = store.review_summary("discord", "T1", date(2026, 11, 16), date(2026, 11, 22))
    assert (empty.reviews, empty.top_problem) == (0, None)


def test_rate_limit_is_a_fixed_window_per_user_shared_by_instances(db_url: str) -> None:
    first, second = open_store(db_url), open_store(db_url)
    at = datetime(2026, 11, 26, 10, 0, 5, tzinfo=UTC)
    try:
        allowed = [
            (first if i % 2 else second).allow_review("slack:T1:U1", 3, at + timedelta(seconds=i))
            for i in range(5)
        ]
        assert allowed == [True, True, True, False, False]
        assert first.allow_review("slack:T1:U2", 3, at) is True  # other users unaffected
        assert second.allow_review("slack:T1:U1", 3, at + timedelta(minutes=1)) is True
        assert first.allow_review("slack:T1:U1", 0, at) is True  # 0 = no limit
    finally:
        first.close()
        second.close()


def test_ping_reports_an_unreachable_database() -> None:
    down = Store(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    assert down.ping() is False


async def test_reviews_go_on_when_the_store_is_down(caplog: pytest.LogCaptureFixture) -> None:
    down = Store(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    service = ReviewService(tips_settings(), store=down)
    caplog.set_level(logging.INFO)
    draft = "Hi Ana, how did the launch of the Lisbon office go?"
    review = await service.review(draft, platform="slack")
    assert isinstance(review, Review)
    assert await service.admission.claim_event("slack", "Ev1") is True  # falls back to memory
    assert await service.admission.claim_event("slack", "Ev1") is False
    assert await service.recall.record_feedback(review.review_id, "up", "slack") is False
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings, "the store failure should be logged"
    assert all(r.exc_info is None for r in warnings)  # one line, no traceback
    assert all("Lisbon" not in r.getMessage() for r in caplog.records)


def test_replicas_starting_at_once_on_a_fresh_database_all_migrate_cleanly(db_url: str) -> None:
    stores: list[Store] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            stores.append(open_store(db_url))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(stores) == 3
    assert stores[0].claim_event("slack", "E1") and not stores[2].claim_event("slack", "E1")
    for store in stores:
        store.close()
