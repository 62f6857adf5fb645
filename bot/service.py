"""The one core every adapter calls: review a draft, remember it for buttons,
dedupe platform events, record feedback, answer tips commands.

Errors are values here: a model failure is already a rules review (the grader
does that), a store failure is logged once and the review goes on.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import replace
from typing import Any, Protocol

from bot.models import Review
from bot.ports import ChannelContext, Grader, Rejected, TipsReply
from bot.rules import MAX_DRAFT_CHARS, review_with_rules
from bot.settings import Settings

log = logging.getLogger("outreach.service")


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
    ) -> None:
        self.settings = settings
        self.grader = grader
        self.store = store
        self.tips = tips
        self._recent: OrderedDict[str, Review] = OrderedDict()
        self._recall_size = recall_size
        self._local_events: OrderedDict[str, float] = OrderedDict()

    async def review(
        self, text: str, *, platform: str = "cli", workspace: str = "", user: str = ""
    ) -> Review | Rejected:
        if not text or not text.strip():
            return Rejected("empty", "There is no draft to review: paste the message text.")
        started = time.perf_counter()
        rules_review = review_with_rules(text)
        if self.grader is not None:
            review = await self.grader.grade(text, rules_review)
        else:
            review = replace(rules_review, fallback_reason="no_model")
        self._remember(review)
        self._count(platform, workspace, review)
        log.info(
            "review done",
            extra={
                "platform": platform,
                "grader": review.source,
                "fallback_reason": review.fallback_reason,
                "verdict": review.verdict,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                "chars": min(len(text), MAX_DRAFT_CHARS),
            },
        )
        return review

    def recall(self, review_id: str) -> Review | None:
        """A recent review, for buttons ("Share in channel", "Show rewrite")."""
        return self._recent.get(review_id)

    async def claim_event(self, platform: str, event_key: str) -> bool:
        """True the first time an event is seen (across replicas when the store is shared)."""
        if self.store is not None:
            try:
                return self.store.claim_event(platform, event_key)
            except Exception as exc:  # store down: fall back to this process's memory
                log.warning("store claim_event failed", extra={"error": type(exc).__name__})
        key = f"{platform}:{event_key}"
        if key in self._local_events:
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
        try:
            self.store.record_feedback(review_id, vote, statuses, platform)
            return True
        except Exception as exc:
            log.warning("store record_feedback failed", extra={"error": type(exc).__name__})
            return False

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

    def _count(self, platform: str, workspace: str, review: Review) -> None:
        if self.store is None:
            return
        try:
            self.store.count_review(platform, workspace, review)
        except Exception as exc:
            log.warning("store count_review failed", extra={"error": type(exc).__name__})


def describe(review: Review) -> dict[str, Any]:
    """Fields safe to log about a review (no draft text)."""
    return {"verdict": review.verdict, "score": review.score, "source": review.source}
