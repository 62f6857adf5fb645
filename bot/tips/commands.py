"""Platform-neutral tips commands; adapters map their slash commands onto `handle`.

Every answer is a `TipsReply`: bad input and store failures come back as a clear
message with `ok=False`, never as an exception.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.ports import ChannelContext, TipPoster, TipsReply
from bot.tips.delivery import LEASE, choose_next, digest_line, in_thread, post_claimed
from bot.tips.library import TipLibrary
from bot.tips.records import Subscription, TipsStore
from bot.tips.schedule import (
    as_utc,
    describe_slot,
    format_local,
    iso_period,
    parse_local_time,
    parse_timezone,
    parse_weekday,
    slot_at,
    week_monday,
)

if TYPE_CHECKING:  # annotations only: the CLI starts faster without pydantic-settings
    from bot.settings import Settings

log = logging.getLogger("outreach.tips")

Clock = Callable[[], datetime]

USAGE = """Weekly outreach tips for this channel:
• subscribe [weekday] [HH:MM] [timezone]: one tip every week (default: Monday 09:00, {zone})
• unsubscribe: stop the weekly tips here
• status: whether this channel is subscribed, and when the next tip comes
• now: post the next tip here right away (it counts in the rotation)
• preview: show you the next tip without posting it"""

STORE_DOWN = "Tips are unavailable for a moment (the bot can't reach its database). Try again soon."

POST_FAILED = {
    "not_in_channel": "I'm not in this channel: invite me, then try again.",
    "forbidden": "I'm not allowed to post in this channel.",
    "rate_limited": "The platform is rate-limiting me; try again in a minute.",
    "channel_gone": "This channel is gone or I lost access to it, so I stopped its weekly tips.",
}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TipsCommands:
    def __init__(
        self,
        store: TipsStore,
        library: TipLibrary,
        posters: Mapping[str, TipPoster],
        settings: Settings,
        clock: Clock = _utcnow,
    ) -> None:
        self.store = store
        self.library = library
        self.posters = posters
        self.settings = settings
        self.clock = clock
        self.default_zone = parse_timezone(settings.outreach_tips_tz) or "UTC"

    async def handle(self, ctx: ChannelContext, args: str) -> TipsReply:
        words = args.split()
        action = words[0].lower() if words else "help"
        actions: dict[str, Callable[[ChannelContext, list[str]], Awaitable[TipsReply]]] = {
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "status": self._status,
            "now": self._now,
            "preview": self._preview,
        }
        if action not in actions:
            usage = USAGE.format(zone=self._zone(ctx))
            if action == "help":
                return TipsReply(usage)
            return TipsReply(f"Unknown tips command “{words[0]}”.\n\n{usage}", ok=False)
        try:
            return await actions[action](ctx, words[1:])
        except Exception as exc:
            log.warning(
                "tips command failed",
                extra={"platform": ctx.platform, "action": action, "error": type(exc).__name__},
            )
            return TipsReply(STORE_DOWN, ok=False)

    def _zone(self, ctx: ChannelContext) -> str:
        return (parse_timezone(ctx.timezone) if ctx.timezone else None) or self.default_zone

    async def _subscribe(self, ctx: ChannelContext, words: list[str]) -> TipsReply:
        weekday, local_time, zone = 0, "09:00", self._zone(ctx)
        for word in words:
            day = parse_weekday(word)
            if day is not None:
                weekday = day
            elif any(ch.isdigit() for ch in word) and "/" not in word:
                parsed = parse_local_time(word)
                if parsed is None:
                    return _bad(f"“{word}” is not a time: use 24-hour HH:MM, e.g. 09:00 or 17:30.")
                local_time = parsed
            elif (found := parse_timezone(word)) is not None:
                zone = found
            elif "/" in word or word.isupper():
                return _bad(
                    f"“{word}” is not a timezone I know: use an IANA name such as "
                    "Europe/Berlin, America/New_York or UTC."
                )
            else:
                return _bad(
                    f"“{word}” is not a weekday: use mon, tue, wed, thu, fri, sat or sun "
                    "(then HH:MM and a timezone, both optional)."
                )
        now = self.clock()
        sub = await in_thread(
            self.store.subscribe,
            platform=ctx.platform,
            workspace=ctx.workspace,
            channel=ctx.channel,
            weekday=weekday,
            local_time=local_time,
            timezone=zone,
            user=ctx.user,
            now=now,
        )
        when = format_local(await self._next_post(sub, now), zone)
        return TipsReply(
            f"Subscribed: a tip {describe_slot(weekday, local_time, zone)}. Next tip: {when}.",
            ephemeral=False,
        )

    async def _unsubscribe(self, ctx: ChannelContext, words: list[str]) -> TipsReply:
        if await in_thread(self.store.unsubscribe, ctx.platform, ctx.workspace, ctx.channel):
            return TipsReply("Unsubscribed: no more weekly tips in this channel.", ephemeral=False)
        return TipsReply("This channel wasn't subscribed to weekly tips, so nothing changed.")

    async def _status(self, ctx: ChannelContext, words: list[str]) -> TipsReply:
        sub = await in_thread(self.store.get_subscription, ctx.platform, ctx.workspace, ctx.channel)
        if sub is None or not sub.active:
            return TipsReply(
                "This channel is not subscribed to weekly tips. "
                "Start with: subscribe [weekday] [HH:MM] [timezone]."
            )
        now = self.clock()
        lines = [
            f"Weekly tips are on here: {describe_slot(sub.weekday, sub.local_time, sub.timezone)}.",
            f"Next tip: {format_local(await self._next_post(sub, now), sub.timezone)}.",
        ]
        this_week = await in_thread(self.store.delivery_for, sub.id, iso_period(now, sub.timezone))
        if this_week is not None and this_week.status != "posted" and this_week.last_error:
            lines.append(
                f"This week's tip has not gone out yet ({this_week.last_error}); "
                + ("it will be retried." if this_week.status == "pending" else "it was skipped.")
            )
        last = await in_thread(self.store.last_posted, sub.id)
        tip = self.library.get(last.tip_id) if last is not None else None
        if last is not None and last.posted_at is not None and tip is not None:
            lines.append(f"Last tip: “{tip.title}”, {format_local(last.posted_at, sub.timezone)}.")
        return TipsReply("\n".join(lines))

    async def _now(self, ctx: ChannelContext, words: list[str]) -> TipsReply:
        poster = self.posters.get(ctx.platform)
        if poster is None:
            return _bad("I can't post tips on this platform from here.")
        now = self.clock()
        sub = await self._channel(ctx, now)
        tip_id, cycle = await choose_next(self.store, self.library, sub)
        tip = self.library.get(tip_id)
        assert tip is not None
        delivery = await in_thread(
            self.store.claim_delivery,
            subscription_id=sub.id,
            kind="manual",
            period=f"now:{uuid.uuid4().hex}",
            tip_id=tip_id,
            cycle=cycle,
            now=now,
            lease_until=now + LEASE,
        )
        assert delivery is not None  # the period is fresh, so the insert cannot collide
        digest = None
        if self.settings.outreach_tips_digest == "on":
            digest = await digest_line(self.store, sub, now)
        rendered = self.library.render(tip, period=iso_period(now, sub.timezone), digest=digest)
        outcome = await post_claimed(
            self.store, poster, sub, delivery, rendered, now, retry_until=None
        )
        if outcome.status == "posted":
            return TipsReply(
                f"Posted a tip here: “{tip.title}”. It counts in this channel's rotation."
            )
        return _bad(
            POST_FAILED.get(outcome.error or "", "Posting the tip failed; try again later.")
        )

    async def _preview(self, ctx: ChannelContext, words: list[str]) -> TipsReply:
        now = self.clock()
        sub = await self._channel(ctx, now)
        tip_id, _ = await choose_next(self.store, self.library, sub)
        tip = self.library.get(tip_id)
        assert tip is not None
        rendered = self.library.render(tip, period=iso_period(now, sub.timezone))
        return TipsReply("The next tip for this channel (only you can see this):", tip=rendered)

    async def _channel(self, ctx: ChannelContext, now: datetime) -> Subscription:
        sub = await in_thread(self.store.get_subscription, ctx.platform, ctx.workspace, ctx.channel)
        if sub is not None:
            return sub
        return await in_thread(
            self.store.ensure_channel,
            platform=ctx.platform,
            workspace=ctx.workspace,
            channel=ctx.channel,
            timezone=self._zone(ctx),
            now=now,
        )

    async def _next_post(self, sub: Subscription, now: datetime) -> datetime:
        return await next_post_at(self.store, sub, now)


async def next_post_at(store: TipsStore, sub: Subscription, now: datetime) -> datetime:
    """When the ticker will next post for `sub` (now, if this week's is due and not yet out)."""
    now = as_utc(now)
    monday = week_monday(now, sub.timezone)
    this_slot = slot_at(monday, sub.weekday, sub.local_time, sub.timezone)
    if this_slot >= sub.subscribed_at:
        delivery = await in_thread(store.delivery_for, sub.id, iso_period(now, sub.timezone))
        if delivery is None:
            return max(this_slot, now)
        if delivery.status == "pending":  # being retried this week
            return max(delivery.next_attempt_at, now)
    return slot_at(monday + timedelta(days=7), sub.weekday, sub.local_time, sub.timezone)


def _bad(text: str) -> TipsReply:
    return TipsReply(text, ok=False)
