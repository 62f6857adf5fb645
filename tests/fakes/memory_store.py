"""The service's store port (`bot.ports.ServiceStore`) in memory; one shared by two services
stands for two replicas on one database."""

from __future__ import annotations

from datetime import datetime

from bot.models import Review
from bot.ratelimit import MemoryRateLimiter


class MemoryStore:
    """The service's store port in memory; shared by two replicas to test dedupe."""

    def __init__(self) -> None:
        self.events: set[tuple[str, str]] = set()
        self.feedback: list[tuple[str, str, dict[str, str], str]] = []
        self.counted = 0
        self.limits = MemoryRateLimiter()

    def claim_event(self, platform: str, event_key: str) -> bool:
        if (platform, event_key) in self.events:
            return False
        self.events.add((platform, event_key))
        return True

    def record_feedback(
        self, review_id: str, vote: str, statuses: dict[str, str], platform: str
    ) -> None:
        self.feedback.append((review_id, vote, statuses, platform))

    def count_review(self, platform: str, workspace: str, review: Review) -> None:
        self.counted += 1

    def allow_review(self, user_key: str, limit_per_minute: int, now: datetime) -> bool:
        return self.limits.allow(user_key, limit_per_minute, now)
