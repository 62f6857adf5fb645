"""Contracts between the core and what plugs into it (store, tips, grader, posters).

Adapters depend on these shapes only; implementations live in `bot.store`,
`bot.tips`, `bot.llm` and the adapters themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.models import Review

PostErrorKind = Literal["not_in_channel", "channel_gone", "rate_limited", "forbidden", "other"]
# The console has no workspace: its tips subscriptions are ("console", "", channel) wherever
# they are made, the console's /outreachtips or `outreach-review tips … --platform console`.
CONSOLE_WORKSPACE = ""


@dataclass(frozen=True)
class ChannelContext:
    """Where a command came from, in platform-neutral terms."""

    platform: str
    workspace: str
    channel: str
    user: str
    timezone: str | None = None  # the workspace's or user's IANA zone when the platform knows it


@dataclass(frozen=True)
class RenderedTip:
    """A tip as platform-neutral structured content; adapters turn it into blocks or embeds."""

    tip_id: str
    principle_id: str
    principle_title: str
    title: str
    body: str
    before: str
    after: str
    digest: str | None = None
    period: str | None = None  # ISO year-week the post belongs to, e.g. "2026-W48"


@dataclass(frozen=True)
class TipsReply:
    """What a tips command answers: text for the caller, and maybe a tip to show."""

    text: str
    tip: RenderedTip | None = None
    ephemeral: bool = True
    ok: bool = True


@dataclass(frozen=True)
class PostOk:
    message_ref: str


@dataclass(frozen=True)
class PostError:
    kind: PostErrorKind
    detail: str = ""
    retry_after: float | None = None


PostResult = PostOk | PostError


class TipPoster(Protocol):
    """Implemented by every adapter: post a rendered tip to one channel."""

    platform: str

    async def post_tip(self, workspace: str, channel: str, tip: RenderedTip) -> PostResult: ...


class TipsHandler(Protocol):
    """Answers a tips command (`subscribe`, `status`, `now`…) for a channel."""

    async def handle(self, ctx: ChannelContext, args: str) -> TipsReply: ...


# The tips commands that post through an adapter's own poster: handed to an adapter, which
# builds its poster and calls this once, at construction.
TipsFor = Callable[[TipPoster], TipsHandler]


class NoTips:
    """Tips commands on a bot that has no tips set up."""

    async def handle(self, ctx: ChannelContext, args: str) -> TipsReply:
        return TipsReply("Weekly tips are not set up on this bot.", ok=False)


class ServiceStore(Protocol):
    """The part of the store reviews need: events, feedback, counts, the per-user limit.

    Implemented by `bot.store.Store`; each call is synchronous and may raise when the
    database is down (the caller falls back to memory)."""

    def claim_event(self, platform: str, event_key: str) -> bool: ...

    def record_feedback(
        self, review_id: str, vote: str, statuses: dict[str, str], platform: str
    ) -> None: ...

    def count_review(self, platform: str, workspace: str, review: Review) -> None: ...

    def allow_review(self, user_key: str, limit_per_minute: int, now: datetime) -> bool: ...


class JobQueue(Protocol):
    """Worker processes an adapter hands slow work to (`OUTREACH_WORKERS`): `key` picks the
    worker (the same key, the same worker), `payload` must pickle."""

    def admit(self, key: str) -> bool:
        """False (counted and logged) when the worker for `key` is too busy for more."""
        ...

    def submit(self, key: str, payload: object) -> None: ...


class AdapterFailed(Exception):
    """An adapter cannot go on (e.g. the platform refused a token): `serve` prints the message,
    which names what to fix, and exits 1."""


class Grader(Protocol):
    """Something that can grade a draft beyond the rules (the LLM)."""

    async def grade(self, text: str, rules_review: Review) -> Review: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Rejected:
    """A review request that was refused, with a message fit to show the user."""

    reason: Literal["empty", "nothing", "rate_limited", "invalid", "unavailable"]
    message: str
