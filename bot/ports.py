"""Contracts between the core and what plugs into it (store, tips, grader, posters).

Adapters depend on these shapes only; implementations live in `bot.store`,
`bot.tips`, `bot.llm` and the adapters themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
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


class Grader(Protocol):
    """Something that can grade a draft beyond the rules (the LLM)."""

    async def grade(self, text: str, rules_review: Review) -> Review: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Rejected:
    """A review request that was refused, with a message fit to show the user."""

    reason: Literal["empty", "nothing", "rate_limited", "invalid", "unavailable"]
    message: str
