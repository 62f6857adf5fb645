"""Test support for the store and tips: database URLs per backend, reviews to count, a recording
poster, and the worker the multi-process race test spawns."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.models import PrincipleResult, Review
from bot.ports import PostOk, PostResult, RenderedTip
from bot.settings import Settings
from bot.store import open_store
from bot.tips.library import load_library

PG_SKIP_REASON = (
    "PostgreSQL tests need TEST_DATABASE_URL "
    "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it"
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)  # subscriptions in tests are made at this instant


def library_tip(index: int = 0) -> RenderedTip:
    """A tip from the shipped library, as a channel would receive it."""
    library = load_library()
    return library.render(library.tips[index])


TIP = library_tip()


def subscribe(
    store: Any,
    channel: str = "C1",
    *,
    platform: str = "console",
    weekday: int = 0,
    at: str = "09:00",
    tz: str = "UTC",
    user: str = "U1",
    now: datetime = T0,
) -> Any:
    """Subscribe a test channel (workspace W1 or T1) with the store's own method."""
    workspace = "T1" if platform == "slack" else "W1"
    return store.subscribe(
        platform=platform, workspace=workspace, channel=channel, weekday=weekday,
        local_time=at, timezone=tz, user=user, now=now,
    )  # fmt: skip


@contextmanager
def postgres_url() -> Iterator[str]:
    """A URL whose connections live in a fresh schema, dropped afterwards (parallel-safe)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(PG_SKIP_REASON)
    with fresh_schema(base, "outreach_test") as url:
        yield url


@contextmanager
def fresh_schema(base_url: str, prefix: str) -> Iterator[str]:
    """A PostgreSQL URL whose connections use a new schema, dropped on exit."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def backend_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/db/outreach.db"
    else:
        with postgres_url() as url:
            yield url


def make_review(violated: dict[str, str], verdict: str = "revise") -> Review:
    """A review to count: every principle passes but those in `violated` (id -> status)."""
    ids = ["about_them", "no_pitch", "specific", "clear_reason", "owns_the_gap", "asks_questions"]
    principles = tuple(PrincipleResult(pid, pid, violated.get(pid, "pass")) for pid in ids)  # type: ignore[arg-type]
    return Review(70, verdict, "cold", "rules", principles)  # type: ignore[arg-type]


def tips_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"outreach_tips_tz": "UTC", "outreach_tips_digest": "off"}
    return Settings(**{**values, **overrides})


@dataclass(frozen=True)
class Post:
    platform: str
    workspace: str
    channel: str
    tip_id: str
    period: str | None
    digest: str | None


Script = Callable[[str, RenderedTip], PostResult]


class RecordingPoster:
    """A `TipPoster` that records successful posts and every attempt; thread-safe.

    `script(channel, tip)` decides each attempt's result (default: success).
    """

    def __init__(self, platform: str = "console", script: Script | None = None) -> None:
        self.platform = platform
        self.script = script
        self.posts: list[Post] = []
        self.attempts: list[tuple[str, str | None]] = []
        self._lock = threading.Lock()

    async def post_tip(self, workspace: str, channel: str, tip: RenderedTip) -> PostResult:
        result = self.script(channel, tip) if self.script else PostOk("ok")
        with self._lock:
            self.attempts.append((channel, tip.period))
            if isinstance(result, PostOk):
                post = Post(self.platform, workspace, channel, tip.tip_id, tip.period, tip.digest)
                self.posts.append(post)
        return result


def race_worker(url: str, times: list[str], barrier: Any, results: Any) -> None:
    """One ticker process of the multi-process race: tick at each instant, report posts."""
    from bot.tips import Ticker, load_library

    store = open_store(url)
    poster = RecordingPoster()
    ticker = Ticker(store, load_library(), {"console": poster}, tips_settings())

    async def run() -> None:
        for at in times:
            barrier.wait()
            await ticker.tick(datetime.fromisoformat(at))

    try:
        asyncio.run(run())
    finally:
        store.close()
        results.put([(p.channel, p.period, p.tip_id) for p in poster.posts])
