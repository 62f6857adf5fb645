"""Per-user rate limit in `ReviewService.review`: shared through the store (SQLite, PostgreSQL),
in memory while the store is down, off with 0, and a message that says when to retry."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.metrics import Metrics
from bot.models import Review
from bot.ports import Rejected
from bot.ratelimit import seconds_to_next_window
from bot.service import ReviewService
from bot.settings import Settings
from bot.store import open_store
from bot.store.reconnecting import ReconnectingStore
from tests.fakes.memory_store import MemoryStore
from tests.fakes.tips_env import backend_url

DRAFT = "Hi Ana, your talk on pricing at SaaStock was great. How did you test it?"
NOON = datetime(2026, 3, 2, 12, 0, 45, 200_000, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def service(limit: int, store: Any = None, clock: Clock | None = None, **kw: Any) -> ReviewService:
    settings = Settings(outreach_llm="off", outreach_rate_limit=limit)
    return ReviewService(settings, store=store, clock=clock or Clock(NOON), **kw)


async def reviews(svc: ReviewService, count: int, user: str = "U1") -> list[Review | Rejected]:
    return [
        await svc.review(DRAFT, platform="slack", workspace="T1", user=user) for _ in range(count)
    ]


def refused(results: list[Review | Rejected]) -> list[Rejected]:
    return [r for r in results if isinstance(r, Rejected)]


async def test_the_limit_refuses_with_a_friendly_message_until_the_next_minute() -> None:
    clock = Clock(NOON)
    metrics = Metrics()
    svc = service(3, MemoryStore(), clock, metrics=metrics)
    results = await reviews(svc, 4)
    assert [isinstance(r, Review) for r in results] == [True, True, True, False]
    [no] = refused(results)
    assert no.reason == "rate_limited"
    assert no.message == (
        "You've asked for 3 reviews in the last minute, the most this bot allows. "
        "Try again in 15 seconds."
    )
    assert isinstance((await reviews(svc, 1, user="U2"))[0], Review), "limits are per user"
    clock.at = NOON + timedelta(seconds=15)
    assert isinstance((await reviews(svc, 1))[0], Review)
    assert metrics.rate_limited.labels("slack")._value.get() == 1


async def test_zero_means_no_limit_and_unknown_users_are_not_limited() -> None:
    assert refused(await reviews(service(0), 30)) == []
    assert refused(await reviews(service(1), 5, user="")) == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_two_replicas_share_the_limit_through_the_store(backend: str, tmp_path: Path) -> None:
    with backend_url(backend, tmp_path) as url:
        store = open_store(url)
        try:
            first, second = service(3, store), service(3, store)
            results = [
                *await reviews(first, 2),
                *await reviews(second, 1),
                *await reviews(first, 1),
                *await reviews(second, 1),
            ]
        finally:
            store.close()
    assert [isinstance(r, Review) for r in results] == [True, True, True, False, False]


async def test_with_the_store_down_the_limit_holds_in_memory_and_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def unreachable(url: str) -> Any:
        raise ConnectionRefusedError("down")

    store = ReconnectingStore("postgresql+psycopg://nowhere/x", opener=unreachable, retry_s=60)
    svc = service(2, store)
    with caplog.at_level(logging.WARNING):
        results = await reviews(svc, 5)
    assert [isinstance(r, Review) for r in results] == [True, True, False, False, False]
    warnings = [r for r in caplog.records if "store unreachable" in r.getMessage()]
    assert len(warnings) == 2, "one line from the store breaker, one from the service"


def test_the_wait_is_counted_to_the_next_minute() -> None:
    assert seconds_to_next_window(NOON) == 15
    assert seconds_to_next_window(NOON.replace(second=59, microsecond=900_000)) == 1
    assert seconds_to_next_window(NOON.replace(second=0, microsecond=0)) == 60
