"""Daily review counts are buffered in memory and written in one transaction: nothing is
lost when a write fails, and every read and every close sees all of them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.store import open_store
from tests.fakes.tips_env import make_review

DAY = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_counts_are_written_when_read_and_at_close(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/counts.db"
    store = open_store(url)
    for _ in range(3):
        store.count_review("slack", "T1", make_review({"no_pitch": "fail"}), now=DAY)
    summary = store.review_summary("slack", "T1", date(2026, 3, 2), date(2026, 3, 2))
    assert (summary.reviews, summary.top_problem, summary.top_problem_count) == (3, "no_pitch", 3)
    store.count_review("slack", "T1", make_review({"specific": "fail"}), now=DAY)
    store.close()
    reopened = open_store(url)
    total = reopened.review_summary("slack", "T1", date(2026, 3, 2), date(2026, 3, 2)).reviews
    assert total == 4
    reopened.close()


def test_a_failed_write_keeps_the_counts_for_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(f"sqlite:///{tmp_path}/counts.db")
    store.count_review("discord", "G1", make_review({"about_them": "fail"}), now=DAY)
    real_begin = store.engine.begin

    def down() -> object:
        raise OperationalError("INSERT", {}, Exception("database is down"))

    monkeypatch.setattr(store.engine, "begin", down)
    with pytest.raises(OperationalError):
        store.flush_counts()
    monkeypatch.setattr(store.engine, "begin", real_begin)
    summary = store.review_summary("discord", "G1", date(2026, 3, 2), date(2026, 3, 2))
    assert (summary.reviews, summary.top_problem) == (1, "about_them")
    store.close()
