"""The platform-neutral tips commands adapters map their slash commands onto."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine

from bot.ports import ChannelContext, PostError, PostResult, RenderedTip
from bot.store import Store
from bot.tips import TipsCommands, load_library
from tests.fakes.tips_env import (
    RecordingPoster,
    tips_settings,
)

LIBRARY = load_library()
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # a Thursday
CTX = ChannelContext(platform="console", workspace="W1", channel="C1", user="U1")


def commands(store: Store, poster: RecordingPoster | None = None, **settings: str) -> TipsCommands:
    posters = {"console": poster or RecordingPoster()}
    return TipsCommands(store, LIBRARY, posters, tips_settings(**settings), clock=lambda: NOW)


async def test_subscribe_defaults_to_monday_nine_in_the_configured_zone(store: Store) -> None:
    reply = await commands(store, outreach_tips_tz="Europe/Berlin").handle(CTX, "subscribe")
    assert reply.ok and not reply.ephemeral
    assert "every Monday at 09:00 (Europe/Berlin)" in reply.text
    assert "Mon 30 Nov 2026, 09:00 CET" in reply.text
    sub = store.get_subscription("console", "W1", "C1")
    assert sub is not None and sub.active and sub.subscribed_by == "U1"


async def test_subscribe_uses_the_workspace_zone_and_parses_loose_input(store: Store) -> None:
    ctx = ChannelContext("console", "W1", "C1", "U1", timezone="America/New_York")
    reply = await commands(store).handle(ctx, "subscribe FRIDAY 7:05")
    assert reply.ok and "every Friday at 07:05 (America/New_York)" in reply.text
    reply = await commands(store).handle(ctx, "subscribe tue 16:00 asia/tokyo")
    assert reply.ok and "every Tuesday at 16:00 (Asia/Tokyo)" in reply.text
    sub = store.get_subscription("console", "W1", "C1")
    assert sub is not None and (sub.weekday, sub.local_time, sub.timezone) == (
        1,
        "16:00",
        "Asia/Tokyo",
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("subscribe funday", "not a weekday"),
        ("subscribe mon 25:00", "not a time"),
        ("subscribe mon 9am", "not a time"),
        ("subscribe mon 09:00 Mars/Olympus", "not a timezone"),
        ("subscribe mon 09:00 PST", "not a timezone"),
    ],
)
async def test_bad_subscribe_input_is_a_clear_message(store: Store, args: str, says: str) -> None:
    reply = await commands(store).handle(CTX, args)
    assert not reply.ok and says in reply.text
    assert store.get_subscription("console", "W1", "C1") is None


async def test_status_and_unsubscribe(store: Store) -> None:
    tips = commands(store)
    reply = await tips.handle(CTX, "status")
    assert reply.ok and "not subscribed" in reply.text
    await tips.handle(CTX, "subscribe thu 09:00 UTC")  # this week's slot is an hour ago
    status = await tips.handle(CTX, "status")
    assert "every Thursday at 09:00 (UTC)" in status.text
    assert "Next tip: Thu 03 Dec 2026, 09:00 UTC" in status.text
    unsubscribed = await tips.handle(CTX, "unsubscribe")
    assert unsubscribed.ok and "no more weekly tips" in unsubscribed.text
    again = await tips.handle(CTX, "unsubscribe")
    assert again.ok and "wasn't subscribed" in again.text
    assert "not subscribed" in (await tips.handle(CTX, "status")).text


async def test_preview_does_not_advance_and_now_posts_that_tip(store: Store) -> None:
    poster = RecordingPoster()
    tips = commands(store, poster)
    first = await tips.handle(CTX, "preview")
    second = await tips.handle(CTX, "preview")
    assert first.tip is not None and first.ephemeral and poster.posts == []
    assert second.tip is not None and second.tip.tip_id == first.tip.tip_id
    assert first.tip.before and first.tip.after and first.tip.principle_title
    posted = await tips.handle(CTX, "now")
    assert posted.ok and first.tip.title in posted.text
    assert [(p.channel, p.tip_id, p.period) for p in poster.posts] == [
        ("C1", first.tip.tip_id, "2026-W48")
    ]
    after = await tips.handle(CTX, "preview")
    assert after.tip is not None and after.tip.tip_id != first.tip.tip_id


async def test_now_covers_the_whole_library_before_repeating(store: Store) -> None:
    poster = RecordingPoster()
    tips = commands(store, poster)
    for _ in range(len(LIBRARY) + 2):
        assert (await tips.handle(CTX, "now")).ok
    posted = [p.tip_id for p in poster.posts]
    assert sorted(posted[: len(LIBRARY)]) == sorted(LIBRARY.ids)
    assert posted[len(LIBRARY)] != posted[len(LIBRARY) - 1]  # no back-to-back repeat
    assert posted[len(LIBRARY) : len(LIBRARY) + 2] != posted[:2]  # a new order
    other = ChannelContext("console", "W1", "C2", "U1")  # rotation is per channel
    await tips.handle(other, "now")
    assert poster.posts[-1].channel == "C2"


async def test_now_failure_is_explained_and_not_counted(store: Store) -> None:
    tried: list[str] = []

    def not_in_channel(_channel: str, tip: RenderedTip) -> PostResult:
        tried.append(tip.tip_id)
        return PostError("not_in_channel")

    reply = await commands(store, RecordingPoster(script=not_in_channel)).handle(CTX, "now")
    assert not reply.ok and "invite me" in reply.text
    poster = RecordingPoster()
    await commands(store, poster).handle(CTX, "now")
    assert [p.tip_id for p in poster.posts] == tried  # the failed tip is still next in line


async def test_help_and_unknown_give_the_usage(store: Store) -> None:
    help_reply = await commands(store).handle(CTX, "help")
    assert help_reply.ok and "subscribe [weekday] [HH:MM] [timezone]" in help_reply.text
    assert "preview" in (await commands(store).handle(CTX, "")).text
    unknown = await commands(store).handle(CTX, "frobnicate now")
    assert not unknown.ok and "Unknown tips command “frobnicate”" in unknown.text


async def test_now_on_a_platform_without_poster_is_refused(store: Store) -> None:
    ctx = ChannelContext("discord", "G1", "C1", "U1")
    reply = await commands(store).handle(ctx, "now")
    assert not reply.ok and "can't post" in reply.text


async def test_store_down_gives_a_message_not_an_exception() -> None:
    down = Store(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    tips = TipsCommands(down, LIBRARY, {"console": RecordingPoster()}, tips_settings())
    for action in ("subscribe", "unsubscribe", "status", "now", "preview"):
        reply = await tips.handle(CTX, action)
        assert not reply.ok and "database" in reply.text
