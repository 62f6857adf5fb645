"""Weekly slots in a channel's timezone: parsing the user's words and finding the slot.

A period is an ISO year-week in the channel's timezone ("2026-W48"). A slot is the
wall-clock weekday and time inside that week, turned into an instant with zoneinfo,
so 09:00 Europe/Berlin stays 09:00 local on both sides of a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_ALIASES = {"tues": 1, "thur": 3, "thurs": 3, "weds": 2}


def parse_weekday(word: str) -> int | None:
    """`mon`, `Monday`, `tues`… → 0..6, or None."""
    lowered = word.strip().lower()
    if lowered in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[lowered]
    for index, name in enumerate(WEEKDAY_NAMES):
        if len(lowered) >= 3 and name.lower().startswith(lowered):
            return index
    return None


def parse_local_time(word: str) -> str | None:
    """`9:00`, `09:30`, `17:05` → normalised "HH:MM", or None."""
    hours, sep, minutes = word.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    if len(hours) > 2 or int(hours) > 23 or int(minutes) > 59:
        return None
    return f"{int(hours):02d}:{minutes}"


@cache
def _zones_by_lowercase() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def parse_timezone(word: str) -> str | None:
    """An IANA zone name, case-insensitively (`europe/berlin` → `Europe/Berlin`), or None."""
    name = word.strip()
    if not name or ".." in name or name.startswith("/"):
        return None
    canonical = _zones_by_lowercase().get(name.lower(), name)
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return canonical


def as_utc(at: datetime) -> datetime:
    """Aware UTC; a naive datetime is taken to be UTC already."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def iso_period(at: datetime, zone: str) -> str:
    year, week, _ = as_utc(at).astimezone(ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(at: datetime, zone: str) -> date:
    local = as_utc(at).astimezone(ZoneInfo(zone)).date()
    return local - timedelta(days=local.weekday())


def slot_at(monday: date, weekday: int, local_time: str, zone: str) -> datetime:
    """The instant (UTC) of `weekday local_time` in the week starting `monday`."""
    hours, minutes = (int(part) for part in local_time.split(":"))
    local = datetime.combine(monday + timedelta(days=weekday), time(hours, minutes))
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def describe_slot(weekday: int, local_time: str, zone: str) -> str:
    return f"every {WEEKDAY_NAMES[weekday]} at {local_time} ({zone})"


def format_local(at: datetime, zone: str) -> str:
    local = as_utc(at).astimezone(ZoneInfo(zone))
    return local.strftime("%a %d %b %Y, %H:%M %Z")
