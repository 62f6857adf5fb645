"""The weekly ticker: due slots, catch-up, never a past week, DST, retries, crashes,
unsubscribe, channel_gone and the digest line — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import PrincipleResult, Review
from bot.ports import PostError, PostOk, PostResult, RenderedTip
from bot.store import Store
from bot.tips import Ticker, load_library
from bot.tips.delivery import MAX_ATTEMPTS
from tests.fakes.tips_env import (
    RecordingPoster,
    subscribe,
    tips_settings,
)

LIBRARY = load_library()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def tick_all(ticker: Ticker, start: datetime, end: datetime, step: timedelta) -> None:
    at = start
    while at <= end:
        await ticker.tick(at)
        at += step


async def test_posts_at_the_slot_once_and_not_before(store: Store) -> None:
    subscribe(store)
    poster = RecordingPoster()
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    assert await ticker.tick(utc("2026-03-02T08:59")) == []  # Monday, a minute early
    [outcome] = await ticker.tick(utc("2026-03-02T09:00"))
    assert outcome.status == "posted" and outcome.period == "2026-W10"
    await tick_all(ticker, utc("2026-03-02T09:01"), utc("2026-03-08T23:59"), timedelta(hours=3))
    assert [(p.channel, p.period) for p in poster.posts] == [("C1", "2026-W10")]


async def test_catch_up_later_in_the_week_after_downtime(store: Store) -> None:
    subscribe(store)
    poster = RecordingPoster()
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    await ticker.tick(utc("2026-02-23T09:00"))  # W09 goes out on time
    await ticker.tick(utc("2026-03-01T23:00"))  # Sunday: the last tick before the bot went down
    [late] = await ticker.tick(utc("2026-03-04T15:30"))  # Wednesday: the first tick back
    assert (late.status, late.period) == ("posted", "2026-W10")
    assert [p.period for p in poster.posts] == ["2026-W09", "2026-W10"]


async def test_never_posts_a_past_weeks_tip(store: Store) -> None:
    sub = subscribe(store, weekday=6, at="22:00")  # Sunday 22:00
    failing = RecordingPoster(script=lambda _c, _t: PostError("rate_limited"))
    await Ticker(store, LIBRARY, {"console": failing}, tips_settings()).tick(
        utc("2026-03-08T22:00")
    )
    assert failing.attempts == [("C1", "2026-W10")]  # failed, retry planned for 22:02
    poster = RecordingPoster()
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    # Down across the whole of the next week, back on the Monday after: only W12 goes out.
    await ticker.tick(utc("2026-03-16T09:00"))
    await ticker.tick(utc("2026-03-22T22:00"))
    assert [p.period for p in poster.posts] == ["2026-W12"]
    stale = store.delivery_for(sub.id, "2026-W10")
    assert stale is not None and stale.status == "failed" and stale.last_error == "expired"
    assert store.delivery_for(sub.id, "2026-W11") is None


async def test_a_subscription_made_after_this_weeks_slot_starts_next_week(store: Store) -> None:
    subscribe(store, now=utc("2026-03-04T10:00"))  # Wednesday, after Monday's slot
    poster = RecordingPoster()
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    await ticker.tick(utc("2026-03-04T10:01"))
    await ticker.tick(utc("2026-03-09T09:00"))
    assert [p.period for p in poster.posts] == ["2026-W11"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # spring forward (29 March 2026): 09:00 CET is 08:00 UTC, 09:00 CEST is 07:00 UTC
        (("2026-03-23T07:59", "2026-03-23T08:00"), ("2026-03-30T06:59", "2026-03-30T07:00")),
        # fall back (25 October 2026): 09:00 CEST is 07:00 UTC, 09:00 CET is 08:00 UTC
        (("2026-10-19T06:59", "2026-10-19T07:00"), ("2026-10-26T07:59", "2026-10-26T08:00")),
    ],
)
async def test_nine_oclock_berlin_on_both_sides_of_a_dst_change(
    store: Store, before: tuple[str, str], after: tuple[str, str]
) -> None:
    subscribe(store, tz="Europe/Berlin")
    poster = RecordingPoster()
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    for early, on_time in (before, after):
        assert await ticker.tick(utc(early)) == []
        [outcome] = await ticker.tick(utc(on_time))
        assert outcome.status == "posted"
    assert len(poster.posts) == 2


async def test_a_slot_inside_the_dst_change_night_posts_exactly_once(store: Store) -> None:
    subscribe(store, weekday=6, at="02:30", tz="Europe/Berlin")  # missing in March, twice in Oct
    poster = RecordingPoster()
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    await tick_all(ticker, utc("2026-03-28T22:00"), utc("2026-03-29T04:00"), timedelta(minutes=15))
    await tick_all(ticker, utc("2026-10-24T22:00"), utc("2026-10-25T04:00"), timedelta(minutes=15))
    assert Counter(p.period for p in poster.posts) == {"2026-W13": 1, "2026-W43": 1}


async def test_failed_posts_are_retried_with_backoff_and_posted_once(store: Store) -> None:
    subscribe(store)
    calls: list[str] = []

    def flaky(channel: str, tip: RenderedTip) -> PostResult:
        calls.append(channel)
        return PostError("rate_limited") if len(calls) <= 2 else PostOk("ts-1")

    poster = RecordingPoster(script=flaky)
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    start = utc("2026-03-02T09:00")
    for minute in range(30):
        await ticker.tick(start + timedelta(minutes=minute))
    # attempts at 09:00, 09:02 (2 min backoff), 09:06 (4 min backoff), then never again
    assert len(poster.attempts) == 3 and len(poster.posts) == 1


async def test_a_channel_the_bot_is_not_in_is_retried_a_bounded_number_of_times(
    store: Store,
) -> None:
    subscribe(store)
    poster = RecordingPoster(script=lambda _c, _t: PostError("not_in_channel"))
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    await tick_all(ticker, utc("2026-03-02T09:00"), utc("2026-03-08T23:59"), timedelta(hours=1))
    assert 1 < len(poster.attempts) <= MAX_ATTEMPTS
    assert poster.posts == []


async def test_a_crash_between_claim_and_post_is_posted_once_later(store: Store) -> None:
    class Crash(BaseException):
        pass

    def crash(_channel: str, _tip: RenderedTip) -> PostResult:
        raise Crash

    sub = subscribe(store)
    with pytest.raises(Crash):
        await Ticker(
            store, LIBRARY, {"console": RecordingPoster(script=crash)}, tips_settings()
        ).tick(utc("2026-03-02T09:00"))
    claimed = store.delivery_for(sub.id, "2026-W10")
    assert claimed is not None and claimed.status == "pending"
    poster = RecordingPoster()
    restarted = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    assert await restarted.tick(utc("2026-03-02T09:01")) == []  # the lease still holds
    await tick_all(
        restarted, utc("2026-03-02T09:02"), utc("2026-03-02T10:00"), timedelta(minutes=1)
    )
    assert [(p.period, p.tip_id) for p in poster.posts] == [("2026-W10", claimed.tip_id)]


async def test_unsubscribe_stops_posts_and_resubscribing_continues_the_rotation(
    store: Store,
) -> None:
    subscribe(store)
    poster = RecordingPoster()
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings())
    await ticker.tick(utc("2026-03-02T09:00"))
    assert store.unsubscribe("console", "W1", "C1") is True
    await tick_all(ticker, utc("2026-03-09T09:00"), utc("2026-03-23T09:00"), timedelta(days=7))
    assert len(poster.posts) == 1
    subscribe(store, user="U2", now=utc("2026-03-24T00:00"))
    await ticker.tick(utc("2026-03-30T09:00"))
    assert [p.period for p in poster.posts] == ["2026-W10", "2026-W14"]
    assert poster.posts[0].tip_id != poster.posts[1].tip_id


async def test_channel_gone_deactivates_the_subscription(store: Store) -> None:
    sub = subscribe(store)
    gone = RecordingPoster(script=lambda _c, _t: PostError("channel_gone"))
    ticker = Ticker(store, LIBRARY, {"console": gone}, tips_settings())
    [outcome] = await ticker.tick(utc("2026-03-02T09:00"))
    assert outcome.status == "deactivated"
    refreshed = store.get_subscription("console", "W1", "C1")
    assert refreshed is not None and refreshed.active is False
    await tick_all(ticker, utc("2026-03-02T09:10"), utc("2026-03-16T09:00"), timedelta(hours=6))
    assert len(gone.attempts) == 1
    assert store.delivery_for(sub.id, "2026-W10").status == "failed"  # type: ignore[union-attr]


async def test_only_platforms_with_a_poster_are_ticked(store: Store) -> None:
    subscribe(store, "C-console")
    subscribe(store, "C-slack", platform="slack")
    console = RecordingPoster()
    await Ticker(store, LIBRARY, {"console": console}, tips_settings()).tick(
        utc("2026-03-02T09:00")
    )
    slack = RecordingPoster("slack")
    await Ticker(store, LIBRARY, {"slack": slack}, tips_settings()).tick(utc("2026-03-02T09:05"))
    assert [p.channel for p in console.posts] == ["C-console"]
    assert [p.channel for p in slack.posts] == ["C-slack"]  # not claimed by the console run


async def test_digest_line_reports_last_weeks_reviews_and_top_problem(store: Store) -> None:
    subscribe(store)
    ids = ["about_them", "no_pitch", "specific", "clear_reason", "owns_the_gap", "asks_questions"]
    for day, failing in [(23, "asks_questions"), (24, "asks_questions"), (27, "specific")]:
        principles = tuple(
            PrincipleResult(pid, pid, "fail" if pid == failing else "pass") for pid in ids
        )
        review = Review(60, "revise", "cold", "rules", principles)
        store.count_review("console", "W1", review, now=datetime(2026, 2, day, 12, tzinfo=UTC))
    poster = RecordingPoster()
    ticker = Ticker(store, LIBRARY, {"console": poster}, tips_settings(outreach_tips_digest="on"))
    await ticker.tick(utc("2026-03-02T09:00"))
    await ticker.tick(utc("2026-03-09T09:00"))
    first, second = (p.digest for p in poster.posts)
    assert first is not None and "3 drafts" in first and "Ask, don't tell" in first
    assert second is None  # nothing reviewed the week before


async def test_without_digest_setting_no_digest_line(store: Store) -> None:
    subscribe(store)
    principles = (PrincipleResult("specific", "Be specific", "fail"),)
    review = Review(60, "revise", "cold", "rules", principles)
    store.count_review("console", "W1", review, now=datetime(2026, 2, 24, tzinfo=UTC))
    poster = RecordingPoster()
    await Ticker(store, LIBRARY, {"console": poster}, tips_settings()).tick(utc("2026-03-02T09:00"))
    assert [p.digest for p in poster.posts] == [None]
