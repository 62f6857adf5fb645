"""Posting a claimed delivery and recording what happened; shared by the ticker and `now`.

Store calls run in a worker thread, bounded in time, so a slow, unreachable or frozen
database never blocks the event loop the chat adapters share.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeVar

from bot.blocking import bounded
from bot.ports import PostError, PostOk, PostResult, RenderedTip, TipPoster
from bot.principles import principle_by_id
from bot.tips import rotation
from bot.tips.library import TipLibrary
from bot.tips.records import Delivery, Subscription, TipsStore
from bot.tips.schedule import week_monday

log = logging.getLogger("outreach.tips")

T = TypeVar("T")

# The lease must outlast one post (POST_TIMEOUT) so a slow post is never re-taken.
LEASE = timedelta(minutes=5)
POST_TIMEOUT_S = 60.0
MAX_ATTEMPTS = 8
BACKOFF_FIRST = timedelta(minutes=2)
BACKOFF_MAX = timedelta(hours=6)

OutcomeStatus = Literal["posted", "retrying", "failed", "deactivated"]


@dataclass(frozen=True)
class TickOutcome:
    subscription_id: int
    platform: str
    workspace: str
    channel: str
    period: str
    tip_id: str
    status: OutcomeStatus
    error: str | None = None
    message_ref: str | None = None


async def in_thread(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """A store call off the event loop, bounded in time (`CallTimeout`, a `TimeoutError`)."""
    return await bounded(functools.partial(fn, *args, **kwargs))


async def choose_next(store: TipsStore, library: TipLibrary, sub: Subscription) -> tuple[str, int]:
    history = await in_thread(store.rotation_history, sub.id)
    return rotation.next_tip(library.ids, history, sub.rotation_seed)


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    delay = min(BACKOFF_FIRST * (2 ** max(0, attempts - 1)), BACKOFF_MAX)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


async def digest_line(store: TipsStore, sub: Subscription, at: datetime) -> str | None:
    """Last week's reviews in this workspace and the most common problem (UTC day counts)."""
    last_monday = week_monday(at, sub.timezone) - timedelta(days=7)
    summary = await in_thread(
        store.review_summary,
        sub.platform,
        sub.workspace,
        last_monday,
        last_monday + timedelta(days=6),
    )
    if summary.reviews == 0:
        return None
    drafts = "draft" if summary.reviews == 1 else "drafts"
    line = f"Last week this team reviewed {summary.reviews} {drafts}"
    if summary.top_problem is None:
        return line + " with no problems found."
    title = principle_by_id(summary.top_problem).title
    return f"{line}; the most common problem: “{title}” ({summary.top_problem_count})."


async def _post(poster: TipPoster, sub: Subscription, tip: RenderedTip) -> PostResult:
    try:
        return await asyncio.wait_for(
            poster.post_tip(sub.workspace, sub.channel, tip), timeout=POST_TIMEOUT_S
        )
    except TimeoutError:
        return PostError("other", "timeout")
    except Exception as exc:  # a poster bug must not stop the other channels
        return PostError("other", type(exc).__name__)


async def post_claimed(
    store: TipsStore,
    poster: TipPoster,
    sub: Subscription,
    delivery: Delivery,
    tip: RenderedTip,
    at: datetime,
    *,
    retry_until: datetime | None,
) -> TickOutcome:
    """Post a delivery this caller holds, then record the result (retry, give up, deactivate).

    `retry_until` is the end of the delivery's week: no retry is scheduled past it.
    """
    result = await _post(poster, sub, tip)

    def outcome(
        status: OutcomeStatus, error: str | None = None, ref: str | None = None
    ) -> TickOutcome:
        return TickOutcome(
            subscription_id=sub.id,
            platform=sub.platform,
            workspace=sub.workspace,
            channel=sub.channel,
            period=tip.period or delivery.period,
            tip_id=delivery.tip_id,
            status=status,
            error=error,
            message_ref=ref,
        )

    if isinstance(result, PostOk):
        await in_thread(store.mark_posted, delivery.id, result.message_ref, at)
        log.info("tip posted", extra=_log_fields(sub, delivery))
        return outcome("posted", ref=result.message_ref)
    fields = {**_log_fields(sub, delivery), "error": result.kind, "attempts": delivery.attempts}
    if result.kind == "channel_gone":
        await in_thread(store.mark_failed, delivery.id, result.kind, None)
        await in_thread(store.deactivate, sub.id)
        log.warning("tip channel gone; subscription deactivated", extra=fields)
        return outcome("deactivated", result.kind)
    retry_at = at + backoff(delivery.attempts, result.retry_after)
    if retry_until is None or delivery.attempts >= MAX_ATTEMPTS or retry_at >= retry_until:
        await in_thread(store.mark_failed, delivery.id, result.kind, None)
        log.warning("tip post failed; giving up for this period", extra=fields)
        return outcome("failed", result.kind)
    await in_thread(store.mark_failed, delivery.id, result.kind, retry_at)
    log.warning("tip post failed; will retry", extra={**fields, "retry_at": retry_at.isoformat()})
    return outcome("retrying", result.kind)


def _log_fields(sub: Subscription, delivery: Delivery) -> dict[str, object]:
    return {
        "platform": sub.platform,
        "subscription_id": sub.id,
        "period": delivery.period,
        "tip_id": delivery.tip_id,
    }
