"""Two tickers racing on one database — threads, then separate processes — over a simulated
month: every subscription gets exactly one post per week, never two."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.ports import PostError, PostOk, PostResult, RenderedTip
from bot.store import Store, open_store
from bot.tips import Ticker, load_library
from bot.tips.schedule import iso_period
from tests.fakes.tips_env import (
    RecordingPoster,
    race_worker,
    subscribe,
    tips_settings,
)

START = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)  # spans the Berlin/US DST changes of March
DAYS = 35
# (channel, weekday, time, zone): different zones put the week boundary at different instants
CHANNELS = [
    ("utc-monday", 0, "09:00", "UTC"),
    ("berlin-wednesday", 2, "17:30", "Europe/Berlin"),
    ("la-sunday", 6, "23:00", "America/Los_Angeles"),
    ("flaky-friday", 4, "08:15", "Asia/Tokyo"),
]


def seed(url: str) -> Store:
    store = open_store(url)
    for channel, weekday, local_time, zone in CHANNELS:
        subscribe(store, channel, weekday=weekday, at=local_time, tz=zone)
    return store


def tick_times(step: timedelta) -> list[datetime]:
    count = int(timedelta(days=DAYS) / step)
    return [START + i * step for i in range(count)]


def expected_periods(times: list[datetime]) -> dict[str, set[str]]:
    """Weeks in which each channel's slot falls inside the simulated span."""
    periods: dict[str, set[str]] = {}
    for channel, _weekday, _time, zone in CHANNELS:
        seen = {iso_period(at, zone) for at in times}
        periods[channel] = seen
    return periods


def assert_exactly_once(posts: list[tuple[str, str | None, str]], times: list[datetime]) -> None:
    per_week = Counter((channel, period) for channel, period, _ in posts)
    assert per_week and max(per_week.values()) == 1, per_week.most_common(3)
    for channel, periods in expected_periods(times).items():
        posted = {period for (ch, period) in per_week if ch == channel}
        # the first and last partial weeks may end before the slot; every full week is posted
        assert len(periods) - 2 <= len(posted) <= len(periods), (channel, posted)
    for channel, *_ in CHANNELS:  # rotation: no tip twice in the month
        tips = [tip for ch, _, tip in posts if ch == channel]
        assert len(tips) == len(set(tips))


def test_two_ticker_threads_post_once_per_subscription_per_week(db_url: str) -> None:
    stores = [seed(db_url), open_store(db_url)]
    times = tick_times(timedelta(hours=2))
    attempts: Counter[tuple[str, str | None]] = Counter()
    lock = threading.Lock()

    def first_attempt_fails(channel: str, tip: RenderedTip) -> PostResult:
        # the flaky channel fails its first attempt each week, so both threads race the retry
        with lock:
            attempts[(channel, tip.period)] += 1
            first = attempts[(channel, tip.period)] == 1
        return PostError("rate_limited") if first and channel.startswith("flaky") else PostOk("m")

    posters = [RecordingPoster(script=first_attempt_fails) for _ in stores]
    barrier = threading.Barrier(len(stores))

    def run(store: Store, poster: RecordingPoster) -> None:
        ticker = Ticker(store, load_library(), {"console": poster}, tips_settings())

        async def loop() -> None:
            for at in times:
                barrier.wait(timeout=30)
                await ticker.tick(at)

        asyncio.run(loop())

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(stores, posters, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    for store in stores:
        store.close()
    posts = [(p.channel, p.period, p.tip_id) for poster in posters for p in poster.posts]
    assert_exactly_once(posts, times)
    assert all(poster.posts for poster in posters), "both threads should have won some claims"
    flaky_attempts = [n for (channel, _), n in attempts.items() if channel.startswith("flaky")]
    assert flaky_attempts and all(n == 2 for n in flaky_attempts)  # one failure, one success


def test_two_ticker_processes_post_once_per_subscription_per_week(db_url: str) -> None:
    seed(db_url).close()
    times = tick_times(timedelta(hours=3))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2, timeout=60)
    results = context.Queue()
    workers = [
        context.Process(
            target=race_worker, args=(db_url, [t.isoformat() for t in times], barrier, results)
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=90) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    posts = [tuple(post) for report in reports for post in report]
    assert_exactly_once(posts, times)
