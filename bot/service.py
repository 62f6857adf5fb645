"""Reviewing: the one call every adapter makes to get a review of a draft.

`ReviewService.review` checks the draft, asks `admission` whether the user may have a review
now, grades it (the model when there is one, else the rules), remembers it in `recall` for
its buttons and counts it. Its parts are built once here: `admission` (the per-user limit,
event dedupe) and `recall` (recent reviews, feedback) are what adapters call besides.

Errors are values here: a model failure is already a rules review (the grader does that),
a store failure is logged once and the review goes on (see `bot.store_calls`). Each review
runs under a request id (`bot.logs.REQUEST_ID`) that every log line carries.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from bot.admission import Admission
from bot.logs import REQUEST_ID
from bot.metrics import Metrics
from bot.models import Review
from bot.ports import Grader, Rejected, ServiceStore
from bot.recall import RECALL_SIZE, Recall
from bot.rules import MAX_DRAFT_CHARS, NOTHING_TO_REVIEW, review_with_rules, reviewable
from bot.settings import Settings
from bot.store_calls import STORE_CALL_TIMEOUT_S, GuardedStore
from bot.surrogates import replace_surrogates

log = logging.getLogger("outreach.service")
DRAINING = Rejected(
    "unavailable", "The bot is restarting right now: send the draft again in a minute."
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ReviewService:
    def __init__(
        self,
        settings: Settings,
        *,
        grader: Grader | None = None,
        store: ServiceStore | None = None,
        metrics: Metrics | None = None,
        review_id_prefix: str = "",
        clock: Callable[[], datetime] = _utcnow,
        store_timeout: float = STORE_CALL_TIMEOUT_S,
        recall_size: int = RECALL_SIZE,
    ) -> None:
        self.settings = settings
        self.grader = grader
        self.metrics = metrics
        self.store = GuardedStore(store, metrics, store_timeout)
        self.admission = Admission(settings, self.store, clock=clock, metrics=metrics)
        self.recall = Recall(self.store, recall_size)
        # A worker process marks its reviews so their buttons are routed back to it.
        self._review_id_prefix = review_id_prefix
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
            refused = await self.admission.refusal(platform, workspace, user)
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
        self.recall.remember(review)
        if self.metrics is not None:
            self.metrics.review_done(platform, review, seconds)
        await self.store.count_review(platform, workspace, review)
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

    async def aclose(self) -> None:
        if self.grader is not None:
            await self.grader.aclose()
