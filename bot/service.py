"""The one core every adapter calls: review a draft, remember it for buttons,
dedupe platform events, record feedback, answer tips commands.

Errors are values here: a model failure is already a rules review (the grader
does that), a store failure is logged once and the review goes on (events are then
deduplicated and reviews rate-limited in this process's memory until the store is back).
Each review runs under a request id (`bot.logs.REQUEST_ID`) that every log line carries.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from bot.blocking import CallTimeout, bounded
from bot.logs import REQUEST_ID
from bot.metrics import Metrics
from bot.models import Review
from bot.ports import ChannelContext, Grader, Rejected, TipsReply
from bot.ratelimit import MemoryRateLimiter, rate_limited
from bot.rules import MAX_DRAFT_CHARS, NOTHING_TO_REVIEW, review_with_rules, reviewable
from bot.settings import Settings
from bot.surrogates import replace_surrogates

log = logging.getLogger("outreach.service")
T = TypeVar("T")
# A store call on a review's path waits this long at most; after one timed out (a database
# that accepts and never answers), reviews leave the store alone for STORE_PAUSE_S.
STORE_CALL_TIMEOUT_S = 2.0
STORE_PAUSE_S = 5.0
DRAINING = Rejected(
    "unavailable", "The bot is restarting right now: send the draft again in a minute."
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ServiceStore(Protocol):
    """The part of the store the service needs (implemented in `bot.store`)."""

    def claim_event(self, platform: str, event_key: str) -> bool: ...

    def record_feedback(
        self, review_id: str, vote: str, statuses: dict[str, str], platform: str
    ) -> None: ...

    def count_review(self, platform: str, workspace: str, review: Review) -> None: ...


class TipsCommands(Protocol):
    async def handle(self, ctx: ChannelContext, args: str) -> TipsReply: ...


class ReviewService:
    def __init__(
        self,
        settings: Settings,
        *,
        grader: Grader | None = None,
        store: ServiceStore | None = None,
        tips: TipsCommands | None = None,
        recall_size: int = 2048,
        metrics: Metrics | None = None,
        review_id_prefix: str = "",
        clock: Callable[[], datetime] = _utcnow,
        store_timeout: float = STORE_CALL_TIMEOUT_S,
    ) -> None:
        self.settings = settings
        self.grader = grader
        self.store = store
        self.tips = tips
        self.metrics = metrics
        self._clock = clock
        self._recent: OrderedDict[str, Review] = OrderedDict()
        self._recall_size = recall_size
        # A worker process marks its reviews so their buttons are routed back to it.
        self._review_id_prefix = review_id_prefix
        self._local_events: OrderedDict[str, float] = OrderedDict()
        self._local_limiter = MemoryRateLimiter()
        self._store_ok = True
        self._store_timeout = store_timeout
        self._store_paused_until = 0.0
        self._draining = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def review(
        self, text: str, *, platform: str = "cli", workspace: str = "", user: str = ""
    ) -> Review | Rejected:
        if not text or not text.strip():
            return Rejected("empty", "There is no draft to review: paste the message text.")
        if not reviewable(text):
            return Rejected("nothing", NOTHING_TO_REVIEW)
        # What every grader, cache, log and platform gets: lone surrogates (JSON's "\ud800",
        # bytes read with surrogateescape) become U+FFFD, the draft as a platform can show it.
        text = replace_surrogates(text)
        if self._draining:
            return DRAINING
        token = REQUEST_ID.set(REQUEST_ID.get() or uuid.uuid4().hex[:12])
        self._in_flight += 1
        self._idle.clear()
        try:
            refused = await self._rate_limit(platform, workspace, user)
            if refused is not None:
                return refused
            return await self._review(text, platform, workspace)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()
            REQUEST_ID.reset(token)

    async def _review(self, text: str, platform: str, workspace: str) -> Review:
        started = time.perf_counter()
        if self.metrics is not None:
            self.metrics.review_started()
        try:
            rules_review = review_with_rules(text)
            if self.grader is not None:
                review = await self.grader.grade(text, rules_review)
            else:
                review = replace(rules_review, fallback_reason="no_model")
        finally:
            if self.metrics is not None:
                self.metrics.review_finished()
        seconds = time.perf_counter() - started
        if self._review_id_prefix:
            review = replace(review, review_id=self._review_id_prefix + review.review_id)
        self._remember(review)
        if self.metrics is not None:
            self.metrics.review_done(platform, review, seconds)
        await self._count(platform, workspace, review)
        log.info(
            "review done",
            extra={
                "platform": platform,
                "grader": review.source,
                "fallback_reason": review.fallback_reason,
                "verdict": review.verdict,
                "latency_ms": round(seconds * 1000, 1),
                "chars": min(len(text), MAX_DRAFT_CHARS),
            },
        )
        return review

    async def _rate_limit(self, platform: str, workspace: str, user: str) -> Rejected | None:
        """None when the user may have a review now (always when OUTREACH_RATE_LIMIT=0 or the
        user is unknown); shared through the store, in memory while the store is down."""
        limit = self.settings.outreach_rate_limit
        if limit <= 0 or not user:
            return None
        key, now = f"{platform}:{workspace}:{user}", self._clock()
        allow_review = getattr(self.store, "allow_review", None)
        allowed: bool | None = None
        if allow_review is not None:
            allowed = await self._in_store("allow_review", allow_review, key, limit, now)
        if allowed is None:
            allowed = self._local_limiter.allow(key, limit, now)
        if allowed:
            return None
        if self.metrics is not None:
            self.metrics.review_rate_limited(platform)
        log.info("review refused: rate limited", extra={"platform": platform, "limit": limit})
        return rate_limited(limit, now)

    def begin_drain(self) -> None:
        """Shutdown has begun: refuse new reviews with a message; in-flight ones go on."""
        self._draining = True

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def drain(self, timeout: float) -> int:
        """Wait up to `timeout` s for in-flight reviews; return how many were still running."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=max(0.0, timeout))
        except TimeoutError:
            pass
        return self._in_flight

    def recall(self, review_id: str) -> Review | None:
        """A recent review, for buttons ("Share in channel", "Show rewrite")."""
        return self._recent.get(review_id)

    async def claim_event(self, platform: str, event_key: str) -> bool:
        """True the first time an event is seen (across replicas when the store is shared)."""
        if self.store is not None:
            first = await self._in_store("claim_event", self.store.claim_event, platform, event_key)
            if first is not None:  # None: store down, fall back to this process's memory
                if not first and self.metrics is not None:
                    self.metrics.event_duplicate(platform)
                return first
        key = f"{platform}:{event_key}"
        if key in self._local_events:
            if self.metrics is not None:
                self.metrics.event_duplicate(platform)
            return False
        self._local_events[key] = time.time()
        while len(self._local_events) > 10_000:
            self._local_events.popitem(last=False)
        return True

    async def record_feedback(self, review_id: str, vote: str, platform: str) -> bool:
        review = self.recall(review_id)
        statuses: dict[str, str] = dict(review.statuses()) if review else {}
        if self.store is None:
            return False
        ok, _ = await self._try_store(
            "record_feedback", self.store.record_feedback, review_id, vote, statuses, platform
        )
        return ok

    async def tips_command(self, ctx: ChannelContext, args: str) -> TipsReply:
        if self.tips is None:
            return TipsReply("Weekly tips are not set up on this bot.", ok=False)
        return await self.tips.handle(ctx, args)

    async def aclose(self) -> None:
        if self.grader is not None:
            await self.grader.aclose()

    def _remember(self, review: Review) -> None:
        self._recent[review.review_id] = review
        while len(self._recent) > self._recall_size:
            self._recent.popitem(last=False)

    async def _count(self, platform: str, workspace: str, review: Review) -> None:
        if self.store is not None:
            await self._in_store(
                "count_review", self.store.count_review, platform, workspace, review
            )

    async def _in_store(self, op: str, fn: Callable[..., T], *args: Any) -> T | None:
        """Run a store call off the event loop, bounded; None when it failed or timed out
        (logged once per outage)."""
        ok, value = await self._try_store(op, fn, *args)
        return value if ok else None

    async def _try_store(self, op: str, fn: Callable[..., T], *args: Any) -> tuple[bool, T | None]:
        if time.monotonic() < self._store_paused_until:
            return False, None
        try:
            value = await bounded(fn, *args, timeout=self._store_timeout)
        except Exception as exc:
            if isinstance(exc, CallTimeout):
                self._store_paused_until = time.monotonic() + STORE_PAUSE_S
            if self._store_ok:
                log.warning(
                    "store unreachable; reviews go on, events and limits kept in memory",
                    extra={"op": op, "error": type(exc).__name__},
                )
            self._store_ok = False
            if self.metrics is not None:
                self.metrics.store_state(False)
            return False, None
        if not self._store_ok:
            log.info("store reachable again", extra={"op": op})
        self._store_ok = True
        if self.metrics is not None:
            self.metrics.store_state(True)
        return True, value
