"""The store: processed events, feedback, daily counts, rate limits, and the tips tables.

Methods are synchronous and short; they raise on database failure and the caller
(the service, the ticker, the tips commands) decides what a failure means.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, Table, delete, text

from bot.models import Review
from bot.store import db
from bot.store.tables import ProcessedEvent, RateLimitWindow, ReviewFeedback
from bot.store.tips_store import REVIEW_COUNTS, VIOLATION_COUNTS, TipsStoreMixin
from bot.store.upsert import insert_for

log = logging.getLogger("outreach.store")

EVENTS: Table = ProcessedEvent.__table__  # type: ignore[assignment]
FEEDBACK: Table = ReviewFeedback.__table__  # type: ignore[assignment]
RATE_WINDOWS: Table = RateLimitWindow.__table__  # type: ignore[assignment]


COUNTS_FLUSH_S = 5.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Store(TipsStoreMixin):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._pending_reviews: Counter[tuple[date, str, str, str, str]] = Counter()
        self._pending_violations: Counter[tuple[date, str, str, str]] = Counter()
        self._last_flush = time.monotonic()

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def backend(self) -> str:
        return self._engine.dialect.name

    def ping(self) -> bool:
        """Readiness: can we reach the database right now?"""
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception as exc:
            log.warning("store ping failed", extra={"error": type(exc).__name__})
            return False

    def close(self) -> None:
        try:
            self.flush_counts()
        except Exception as exc:  # the database is gone: the last few seconds of counts too
            log.warning("counts not saved at close", extra={"error": type(exc).__name__})
        self._engine.dispose()

    # --- events, feedback, counts (the service's `ServiceStore`) ---

    def claim_event(self, platform: str, event_key: str) -> bool:
        """True only for the first caller ever, across processes and replicas."""
        with self._engine.begin() as conn:
            stmt = insert_for(conn, EVENTS).values(
                platform=platform, event_key=event_key[:255], first_seen=_utcnow()
            )
            # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT.
            stmt = stmt.on_conflict_do_nothing().returning(EVENTS.c.platform)
            return conn.execute(stmt).first() is not None

    def prune_events(self, older_than: datetime) -> int:
        """Forget events first seen before `older_than` (platforms stop retrying in minutes)."""
        with self._engine.begin() as conn:
            return conn.execute(delete(EVENTS).where(EVENTS.c.first_seen < older_than)).rowcount

    def record_feedback(
        self, review_id: str, vote: str, statuses: dict[str, str], platform: str
    ) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                FEEDBACK.insert().values(
                    review_id=review_id[:64],
                    vote=vote[:16],
                    statuses=dict(statuses),
                    platform=platform,
                    created_at=_utcnow(),
                )
            )

    def count_review(
        self, platform: str, workspace: str, review: Review, now: datetime | None = None
    ) -> None:
        """Add one review to today's (UTC) counts: verdict, source and each violated principle.

        Counts are kept in memory and written in one transaction every few seconds (and before
        they are read, and at close): one write per review cost more CPU than the review.
        """
        day = (now or _utcnow()).astimezone(UTC).date()
        with self._lock:
            self._pending_reviews[(day, platform, workspace, review.source, review.verdict)] += 1
            for principle_id in review.violations():
                self._pending_violations[(day, platform, workspace, principle_id)] += 1
            due = time.monotonic() - self._last_flush >= COUNTS_FLUSH_S
        if due:
            self.flush_counts()

    def flush_counts(self) -> None:
        """Write the pending counts; on failure they stay pending for the next flush."""
        with self._lock:
            reviews, self._pending_reviews = self._pending_reviews, Counter()
            violations, self._pending_violations = self._pending_violations, Counter()
            self._last_flush = time.monotonic()
        if not reviews and not violations:
            return
        try:
            with self._engine.begin() as conn:
                for (day, platform, workspace, source, verdict), n in reviews.items():
                    stmt = insert_for(conn, REVIEW_COUNTS).values(
                        day=day, platform=platform, workspace=workspace, source=source,
                        verdict=verdict, reviews=n,
                    )  # fmt: skip
                    conn.execute(
                        stmt.on_conflict_do_update(
                            index_elements=["day", "platform", "workspace", "source", "verdict"],
                            set_={"reviews": REVIEW_COUNTS.c.reviews + n},
                        )
                    )
                for (day, platform, workspace, principle_id), n in violations.items():
                    stmt = insert_for(conn, VIOLATION_COUNTS).values(
                        day=day, platform=platform, workspace=workspace,
                        principle_id=principle_id, violations=n,
                    )  # fmt: skip
                    conn.execute(
                        stmt.on_conflict_do_update(
                            index_elements=["day", "platform", "workspace", "principle_id"],
                            set_={"violations": VIOLATION_COUNTS.c.violations + n},
                        )
                    )
        except Exception:
            with self._lock:
                self._pending_reviews.update(reviews)
                self._pending_violations.update(violations)
            raise

    # --- rate limit shared by replicas ---

    def allow_review(self, user_key: str, limit_per_minute: int, now: datetime) -> bool:
        """Fixed one-minute window per user; a limit of 0 or less means no limit."""
        if limit_per_minute <= 0:
            return True
        window = now.astimezone(UTC).replace(second=0, microsecond=0)
        with self._engine.begin() as conn:
            stmt = insert_for(conn, RATE_WINDOWS).values(
                user_key=user_key[:255], window_start=window, hits=1
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["user_key", "window_start"],
                set_={"hits": RATE_WINDOWS.c.hits + 1},
            ).returning(RATE_WINDOWS.c.hits)
            hits = int(conn.execute(stmt).scalar_one())
            if hits == 1:  # first hit of a new window: drop this user's old windows
                conn.execute(
                    delete(RATE_WINDOWS).where(
                        RATE_WINDOWS.c.user_key == user_key[:255],
                        RATE_WINDOWS.c.window_start < window - timedelta(minutes=1),
                    )
                )
        return hits <= limit_per_minute


def open_store(database_url: str) -> Store:
    """Connect, create the SQLite directory if needed, and migrate to the latest schema."""
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    return Store(engine)
