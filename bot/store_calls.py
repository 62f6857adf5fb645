"""The store as a request's path uses it: every call off the event loop, bounded in time, and
a value either way.

A call that fails or times out gives `None` (the caller falls back to memory); the outage is
logged once and `outreach_store_up` follows it. After a call timed out (a database that
accepts and never answers), calls leave the store alone for `STORE_PAUSE_S`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from bot.blocking import CallTimeout, bounded
from bot.metrics import Metrics
from bot.models import Review
from bot.ports import ServiceStore

log = logging.getLogger("outreach.service")
T = TypeVar("T")
# A store call on a review's path waits this long at most.
STORE_CALL_TIMEOUT_S = 2.0
STORE_PAUSE_S = 5.0


class GuardedStore:
    """`ServiceStore` calls that never raise and never wait long; no store at all is fine."""

    def __init__(
        self,
        store: ServiceStore | None,
        metrics: Metrics | None = None,
        timeout: float = STORE_CALL_TIMEOUT_S,
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.timeout = timeout
        self._ok = True
        self._paused_until = 0.0

    async def claim_event(self, platform: str, event_key: str) -> bool | None:
        if self.store is None:
            return None
        return await self._value("claim_event", self.store.claim_event, platform, event_key)

    async def allow_review(self, user_key: str, limit: int, now: datetime) -> bool | None:
        if self.store is None:
            return None
        return await self._value("allow_review", self.store.allow_review, user_key, limit, now)

    async def count_review(self, platform: str, workspace: str, review: Review) -> None:
        if self.store is not None:
            await self._call("count_review", self.store.count_review, platform, workspace, review)

    async def record_feedback(
        self, review_id: str, vote: str, statuses: dict[str, str], platform: str
    ) -> bool:
        """Whether the vote was saved."""
        if self.store is None:
            return False
        saved, _ = await self._call(
            "record_feedback", self.store.record_feedback, review_id, vote, statuses, platform
        )
        return saved

    async def _value(self, op: str, fn: Callable[..., T], *args: Any) -> T | None:
        ok, value = await self._call(op, fn, *args)
        return value if ok else None

    async def _call(self, op: str, fn: Callable[..., T], *args: Any) -> tuple[bool, T | None]:
        if time.monotonic() < self._paused_until:
            return False, None
        try:
            value = await bounded(fn, *args, timeout=self.timeout)
        except Exception as exc:
            if isinstance(exc, CallTimeout):
                self._paused_until = time.monotonic() + STORE_PAUSE_S
            if self._ok:
                log.warning(
                    "store unreachable; reviews go on, events and limits kept in memory",
                    extra={"op": op, "error": type(exc).__name__},
                )
            self._ok = False
            if self.metrics is not None:
                self.metrics.store_state(False)
            return False, None
        if not self._ok:
            log.info("store reachable again", extra={"op": op})
        self._ok = True
        if self.metrics is not None:
            self.metrics.store_state(True)
        return True, value
