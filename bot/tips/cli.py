"""`outreach-review tips …` and `outreach-review db upgrade`, for operators and cron.

Importing this module is cheap: SQLAlchemy, Alembic and the store are imported
inside the handlers, so `outreach-review review` never pays for them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.tips.schedule import (
    WEEKDAY_NAMES,
    as_utc,
    describe_slot,
    format_local,
    parse_local_time,
    parse_timezone,
    parse_weekday,
)

if TYPE_CHECKING:
    from bot.ports import TipPoster
    from bot.settings import Settings  # not at import: `review --no-llm` starts faster
    from bot.store import Store

PLATFORMS = ("slack", "discord", "console")
# Every configured platform's poster for one `tips tick` (the composition's `cron_posters`).
PostersFor = Callable[["Settings"], AbstractAsyncContextManager[Mapping[str, "TipPoster"]]]
# Why a platform's tips cannot be posted, when its credentials are not configured.
MISSING_CREDENTIALS = {
    "slack": "SLACK_BOT_TOKEN is not set (nor SLACK_CLIENT_ID, for OAuth)",
    "discord": "DISCORD_TOKEN is not set",
}


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    posters_for: PostersFor | None = None,
) -> None:
    tips = subparsers.add_parser("tips", help="weekly channel tips: library, subscriptions, tick")
    actions = tips.add_subparsers(dest="tips_action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="list the tips library")
    listing.set_defaults(handler=cmd_list)

    subscribe = actions.add_parser("subscribe", help="subscribe a channel to weekly tips")
    _channel_args(subscribe)
    subscribe.add_argument("--weekday", default="mon", help="mon..sun (default mon)")
    subscribe.add_argument("--time", default="09:00", help="HH:MM, 24-hour (default 09:00)")
    subscribe.add_argument("--tz", default=None, help="IANA timezone (default OUTREACH_TIPS_TZ)")
    subscribe.set_defaults(handler=cmd_subscribe)

    unsubscribe = actions.add_parser("unsubscribe", help="stop a channel's weekly tips")
    _channel_args(unsubscribe)
    unsubscribe.set_defaults(handler=cmd_unsubscribe)

    status = actions.add_parser("status", help="subscribed channels and their next tip")
    status.set_defaults(handler=cmd_status)

    tick = actions.add_parser("tick", help="run one scheduler tick and exit (for cron)")
    tick.add_argument("--at", default=None, help="ISO-8601 instant (default now; naive = UTC)")
    tick.set_defaults(handler=cmd_tick, posters_for=posters_for)

    database = subparsers.add_parser("db", help="database maintenance")
    db_actions = database.add_subparsers(dest="db_action", required=True, metavar="ACTION")
    upgrade = db_actions.add_parser("upgrade", help="apply schema migrations (also run at start)")
    upgrade.set_defaults(handler=cmd_db_upgrade)


def _channel_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--platform", required=True, choices=PLATFORMS)
    parser.add_argument("--channel", required=True, help="channel id")
    parser.add_argument("--workspace", default="", help="Slack team id or Discord guild id")


def _workspace(args: argparse.Namespace) -> str:
    """The console has one workspace value everywhere, whatever --workspace says."""
    from bot.ports import CONSOLE_WORKSPACE

    return CONSOLE_WORKSPACE if args.platform == "console" else str(args.workspace)


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _open(settings: Settings) -> Store | None:
    from bot.store import open_store
    from bot.store.db import describe, failure_cause

    try:
        return open_store(settings.database_url)
    except Exception as exc:
        where = describe(settings.database_url)
        _error(f"cannot open the database {where}: {failure_cause(exc)}; check DATABASE_URL.")
        return None


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tips.library import load_library

    library = load_library()
    for tip in library.tips:
        print(f"{tip.id:<28} {tip.principle_id:<15} {tip.title}")
    print(f"{len(library)} tips", file=sys.stderr)
    return 0


def cmd_subscribe(args: argparse.Namespace, settings: Settings) -> int:
    weekday = parse_weekday(args.weekday)
    local_time = parse_local_time(args.time)
    zone = parse_timezone(args.tz or settings.outreach_tips_tz)
    if weekday is None:
        _error(f"--weekday {args.weekday!r}: use mon, tue, wed, thu, fri, sat or sun.")
        return 2
    if local_time is None:
        _error(f"--time {args.time!r}: use 24-hour HH:MM, e.g. 09:00.")
        return 2
    if zone is None:
        _error(
            f"--tz {args.tz or settings.outreach_tips_tz!r}: use an IANA name like Europe/Berlin."
        )
        return 2
    store = _open(settings)
    if store is None:
        return 1
    try:
        sub = store.subscribe(
            platform=args.platform,
            workspace=_workspace(args),
            channel=args.channel,
            weekday=weekday,
            local_time=local_time,
            timezone=zone,
            user="cli",
            now=datetime.now(UTC),
        )
    finally:
        store.close()
    where = f"{sub.platform} {sub.workspace}/{sub.channel}".replace(" /", " ")
    print(f"subscribed {where}: a tip {describe_slot(weekday, local_time, zone)}")
    return 0


def cmd_unsubscribe(args: argparse.Namespace, settings: Settings) -> int:
    store = _open(settings)
    if store is None:
        return 1
    try:
        changed = store.unsubscribe(args.platform, _workspace(args), args.channel)
    finally:
        store.close()
    print("unsubscribed" if changed else "was not subscribed; nothing changed")
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tips.commands import next_post_at

    store = _open(settings)
    if store is None:
        return 1
    try:
        subscriptions = store.list_subscriptions()
        now = datetime.now(UTC)
        for sub in subscriptions:
            when = asyncio.run(next_post_at(store, sub, now))
            last = store.last_posted(sub.id)
            last_text = f"last {last.tip_id} ({last.period})" if last else "nothing posted yet"
            print(
                f"{sub.platform:<8} {sub.workspace or '-':<12} {sub.channel:<14} "
                f"{WEEKDAY_NAMES[sub.weekday][:3]} {sub.local_time} {sub.timezone:<18} "
                f"next {format_local(when, sub.timezone)}; {last_text}"
            )
    finally:
        store.close()
    if not subscriptions:
        print("no channel is subscribed", file=sys.stderr)
    return 0


def cmd_tick(
    args: argparse.Namespace, settings: Settings, posters: Mapping[str, TipPoster] | None = None
) -> int:
    """One tick through `posters` (default: what `posters_for`, given to `register`, yields:
    every configured platform's poster and the console's, one JSON line per post)."""
    from bot.tips.library import load_library
    from bot.tips.ticker import Ticker

    try:
        at = as_utc(datetime.fromisoformat(args.at)) if args.at else datetime.now(UTC)
    except ValueError:
        _error(f"--at {args.at!r} is not an ISO-8601 instant, e.g. 2026-11-23T09:00:00+01:00.")
        return 2
    store = _open(settings)
    if store is None:
        return 1

    async def tick() -> tuple[list[Any], list[str]]:
        """The outcomes, and the platform of each subscription no poster could serve."""
        posters_for: PostersFor | None = getattr(args, "posters_for", None)
        if posters is not None or posters_for is None:
            return await tick_through(posters or {})
        async with posters_for(settings) as configured:
            return await tick_through(configured)

    async def tick_through(chosen: Mapping[str, TipPoster]) -> tuple[list[Any], list[str]]:
        outcomes = await Ticker(store, load_library(), chosen, settings).tick(at)
        waiting = [s.platform for s in store.list_subscriptions() if s.platform not in chosen]
        return list(outcomes), waiting

    try:
        outcomes, waiting = asyncio.run(tick())
    except Exception as exc:
        _error(f"tick failed ({type(exc).__name__}); the next tick will catch up.")
        return 1
    finally:
        store.close()
    counts = {
        status: sum(o.status == status for o in outcomes) for status in ("posted", "retrying")
    }
    print(
        f"tick at {at.isoformat()}: {counts['posted']} posted, {counts['retrying']} to retry, "
        f"{len(outcomes) - sum(counts.values())} given up",
        file=sys.stderr,
    )
    _say_skipped(waiting)
    return 0


def _say_skipped(platforms: list[str]) -> None:
    for platform in sorted(set(platforms)):
        count = platforms.count(platform)
        subscriptions = "subscription" if count == 1 else "subscriptions"
        why = MISSING_CREDENTIALS.get(platform, "this tick has no poster for it")
        print(f"skipped {count} {platform} {subscriptions}: {why}", file=sys.stderr)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    store = _open(settings)
    if store is None:
        return 1
    from bot.store.db import current_revision

    try:
        print(f"{store.backend} database at revision {current_revision(store.engine)}")
    finally:
        store.close()
    return 0
