"""The store `serve` runs on: opened (and migrated) on first success, with a breaker for
outages, and closed only once no call is running.

`serve` starts even when the database is down: every call then raises `StoreUnavailable` at
once (reviews go on, the service falls back to memory, the tips scheduler retries each
minute) and the store is tried again every `retry_s` seconds. A connection failure on an
open store trips the same breaker, so a down PostgreSQL costs one connect timeout per
`retry_s`, not one per review.

Every method of the `Store` is forwarded by name and type (`ServiceStore`, `TipsStore`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import Any, TypeVar

from bot.models import Review
from bot.store.store import Store, open_store
from bot.tips.records import Delivery, HistoryEntry, ReviewSummary, Subscription

log = logging.getLogger("outreach.app")
T = TypeVar("T")

STORE_RETRY_S = 5.0
# How long `close` waits for calls still running (a tick, a review's count) before it gives
# up and leaves the store open: closing under a running call breaks that call.
CLOSE_WAIT_S = 5.0


class StoreUnavailable(RuntimeError):
    """The database cannot be reached right now (or the store is closed); callers fall back
    (memory) or retry later."""


class ReconnectingStore:
    def __init__(
        self,
        database_url: str,
        *,
        opener: Callable[[str], Store] = open_store,
        retry_s: float = STORE_RETRY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = database_url
        self._opener = opener
        self._retry_s = retry_s
        self._clock = clock
        self._store: Store | None = None
        self._down_until = 0.0
        self._down_logged = False
        self._closed = False
        self._running = 0  # calls in progress
        self._lock = threading.Lock()
        self._calls_done = threading.Condition(self._lock)

    @property
    def connected(self) -> bool:
        return self._store is not None and self._clock() >= self._down_until

    def connect(self) -> bool:
        """Open and migrate now if possible; False (logged once per outage) if not."""
        try:
            self._call(lambda store: None)
        except StoreUnavailable:
            return False
        return True

    def ping(self) -> bool:
        try:
            alive = self._call(lambda s: s.ping())
        except StoreUnavailable:
            return False
        if not alive:
            with self._lock:
                self._trip(StoreUnavailable("ping failed"))
        return alive

    def close(self, wait_s: float = CLOSE_WAIT_S) -> None:
        """No new calls; once the running ones are done (`wait_s` at most), close."""
        with self._lock:
            self._closed = True
            if not self._calls_done.wait_for(lambda: self._running == 0, timeout=wait_s):
                log.warning("store calls still running; the store is left open")
                return
            if self._store is not None:
                self._store.close()
                self._store = None

    def _call(self, op: Callable[[Store], T]) -> T:
        store = self._enter()
        try:
            return op(store)
        except Exception as exc:
            if _is_connection_error(exc):
                with self._lock:
                    self._trip(exc)
            raise
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0:
                    self._calls_done.notify_all()

    def _enter(self) -> Store:
        with self._lock:
            if self._closed:
                raise StoreUnavailable("store closed")
            if self._clock() < self._down_until:
                raise StoreUnavailable("store down; retrying later")
            if self._store is None:
                try:
                    self._store = self._opener(self._url)
                except Exception as exc:
                    self._trip(exc)
                    raise StoreUnavailable(type(exc).__name__) from exc
                if self._down_logged:
                    log.info("store reachable again; migrations applied")
                self._down_logged = False
            self._running += 1
            return self._store

    def _trip(self, exc: BaseException) -> None:
        from bot.store.db import failure_cause

        self._down_until = self._clock() + self._retry_s
        if not self._down_logged:
            log.warning(
                "store unreachable; reviews go on, tips and event dedupe catch up when it is back",
                extra={
                    "error": type(exc).__name__,
                    "cause": failure_cause(exc),
                    "retry_s": self._retry_s,
                },
            )
        self._down_logged = True

    # --- `ServiceStore` ---

    def claim_event(self, platform: str, event_key: str) -> bool:
        return self._call(lambda s: s.claim_event(platform, event_key))

    def record_feedback(
        self, review_id: str, vote: str, statuses: dict[str, str], platform: str
    ) -> None:
        self._call(lambda s: s.record_feedback(review_id, vote, statuses, platform))

    def count_review(self, platform: str, workspace: str, review: Review) -> None:
        self._call(lambda s: s.count_review(platform, workspace, review))

    def allow_review(self, user_key: str, limit_per_minute: int, now: datetime) -> bool:
        return self._call(lambda s: s.allow_review(user_key, limit_per_minute, now))

    # --- `TipsStore` ---

    def get_subscription(self, platform: str, workspace: str, channel: str) -> Subscription | None:
        return self._call(lambda s: s.get_subscription(platform, workspace, channel))

    # Keyword-only calls, forwarded as given (the `TipsStore` protocol types them).
    def subscribe(self, **fields: Any) -> Subscription:
        return self._call(lambda s: s.subscribe(**fields))

    def ensure_channel(self, **fields: Any) -> Subscription:
        return self._call(lambda s: s.ensure_channel(**fields))

    def unsubscribe(self, platform: str, workspace: str, channel: str) -> bool:
        return self._call(lambda s: s.unsubscribe(platform, workspace, channel))

    def deactivate(self, subscription_id: int) -> None:
        self._call(lambda s: s.deactivate(subscription_id))

    def list_subscriptions(
        self, platforms: Collection[str] | None = None, *, active_only: bool = True
    ) -> list[Subscription]:
        return self._call(lambda s: s.list_subscriptions(platforms, active_only=active_only))

    def rotation_history(self, subscription_id: int) -> list[HistoryEntry]:
        return self._call(lambda s: s.rotation_history(subscription_id))

    def delivery_for(self, subscription_id: int, period: str) -> Delivery | None:
        return self._call(lambda s: s.delivery_for(subscription_id, period))

    def last_posted(self, subscription_id: int) -> Delivery | None:
        return self._call(lambda s: s.last_posted(subscription_id))

    def claim_delivery(self, **fields: Any) -> Delivery | None:
        return self._call(lambda s: s.claim_delivery(**fields))

    def reclaim_delivery(self, delivery_id: int, now: datetime, lease_until: datetime) -> bool:
        return self._call(lambda s: s.reclaim_delivery(delivery_id, now, lease_until))

    def mark_posted(self, delivery_id: int, message_ref: str, now: datetime) -> None:
        self._call(lambda s: s.mark_posted(delivery_id, message_ref, now))

    def mark_failed(self, delivery_id: int, error: str, retry_at: datetime | None) -> None:
        self._call(lambda s: s.mark_failed(delivery_id, error, retry_at))

    def expire_weekly(self, subscription_id: int, current_period: str) -> int:
        return self._call(lambda s: s.expire_weekly(subscription_id, current_period))

    def review_summary(
        self, platform: str, workspace: str, first_day: date, last_day: date
    ) -> ReviewSummary:
        return self._call(lambda s: s.review_summary(platform, workspace, first_day, last_day))


def _is_connection_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)
