"""Admission: whether a request gets work at all, decided before any is done.

The per-user review limit (`OUTREACH_RATE_LIMIT`) and event dedupe (a platform's retries, a
second reaction, another replica's copy): both in the store, so replicas share them, and in
this process's memory while the store is down.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from bot.metrics import Metrics
from bot.ports import Rejected
from bot.ratelimit import MemoryRateLimiter, rate_limited
from bot.settings import Settings
from bot.store_calls import GuardedStore

log = logging.getLogger("outreach.service")
MAX_LOCAL_EVENTS = 10_000


class Admission:
    def __init__(
        self,
        settings: Settings,
        store: GuardedStore,
        *,
        clock: Callable[[], datetime],
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.metrics = metrics
        self._clock = clock
        self._local_events: OrderedDict[str, float] = OrderedDict()
        self._local_limiter = MemoryRateLimiter()

    async def refusal(self, platform: str, workspace: str, user: str) -> Rejected | None:
        """None when the user may have a review now (always when OUTREACH_RATE_LIMIT=0 or the
        user is unknown), else the message that says when to try again."""
        limit = self.settings.outreach_rate_limit
        if limit <= 0 or not user:
            return None
        key, now = f"{platform}:{workspace}:{user}", self._clock()
        allowed = await self.store.allow_review(key, limit, now)
        if allowed is None:  # no store, or it is down
            allowed = self._local_limiter.allow(key, limit, now)
        if allowed:
            return None
        if self.metrics is not None:
            self.metrics.review_rate_limited(platform)
        log.info("review refused: rate limited", extra={"platform": platform, "limit": limit})
        return rate_limited(limit, now)

    async def claim_event(self, platform: str, event_key: str) -> bool:
        """True the first time an event is seen (across replicas when the store is shared)."""
        first = await self.store.claim_event(platform, event_key)
        if first is not None:  # None: no store, or it is down: this process's memory decides
            if not first and self.metrics is not None:
                self.metrics.event_duplicate(platform)
            return first
        key = f"{platform}:{event_key}"
        if key in self._local_events:
            if self.metrics is not None:
                self.metrics.event_duplicate(platform)
            return False
        self._local_events[key] = time.time()
        while len(self._local_events) > MAX_LOCAL_EVENTS:
            self._local_events.popitem(last=False)
        return True
