"""Per-user review limit: a fixed one-minute window, shared through the store when it is up.

The store's `allow_review` counts in the database (shared by every replica on PostgreSQL);
`MemoryRateLimiter` is the same rule in this process's memory, used while the store is down.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime

from bot.ports import Rejected

MAX_TRACKED_USERS = 50_000


def window_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(second=0, microsecond=0)


def seconds_to_next_window(now: datetime) -> int:
    elapsed = now.astimezone(UTC).second + now.microsecond / 1_000_000
    return max(1, int(60 - elapsed + 0.999))


def rate_limited(limit: int, now: datetime) -> Rejected:
    """The message a user sees: what happened and when to try again."""
    wait = seconds_to_next_window(now)
    reviews = "review" if limit == 1 else "reviews"
    return Rejected(
        "rate_limited",
        f"You've asked for {limit} {reviews} in the last minute, the most this bot allows. "
        f"Try again in {wait} second{'s' if wait != 1 else ''}.",
    )


class MemoryRateLimiter:
    """Fixed one-minute windows per user in this process (bounded: oldest users forgotten)."""

    def __init__(self, max_users: int = MAX_TRACKED_USERS) -> None:
        self._windows: OrderedDict[str, tuple[datetime, int]] = OrderedDict()
        self._max_users = max_users

    def allow(self, user_key: str, limit_per_minute: int, now: datetime) -> bool:
        if limit_per_minute <= 0:
            return True
        window = window_start(now)
        start, hits = self._windows.pop(user_key, (window, 0))
        hits = hits + 1 if start == window else 1
        self._windows[user_key] = (window, hits)
        while len(self._windows) > self._max_users:
            self._windows.popitem(last=False)
        return hits <= limit_per_minute
