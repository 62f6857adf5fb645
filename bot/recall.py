"""Recent reviews, remembered for the buttons under them ("Share in channel", "Show rewrite"),
and the votes people give them."""

from __future__ import annotations

from collections import OrderedDict

from bot.models import Review
from bot.store_calls import GuardedStore

RECALL_SIZE = 2048


class Recall:
    def __init__(self, store: GuardedStore, size: int = RECALL_SIZE) -> None:
        self.store = store
        self._recent: OrderedDict[str, Review] = OrderedDict()
        self._size = size

    def remember(self, review: Review) -> None:
        self._recent[review.review_id] = review
        while len(self._recent) > self._size:
            self._recent.popitem(last=False)

    def get(self, review_id: str) -> Review | None:
        """A recent review made by this process, or None (forgotten, or never made here)."""
        return self._recent.get(review_id)

    async def record_feedback(self, review_id: str, vote: str, platform: str) -> bool:
        """Whether the vote was saved (with the review's statuses when it is remembered)."""
        review = self.get(review_id)
        statuses: dict[str, str] = dict(review.statuses()) if review else {}
        return await self.store.record_feedback(review_id, vote, statuses, platform)
