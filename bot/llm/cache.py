"""In-process cache of model reviews for identical drafts; keys are hashes, never the text."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from bot.models import Review

MAX_ENTRIES = 512


def draft_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


class ReviewCache:
    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Review]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self._ttl > 0

    def get(self, key: str) -> Review | None:
        """A fresh copy (new review_id: buttons and feedback refer to this review)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, review = entry
        if self._clock() >= expires_at:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return replace(review, review_id=uuid.uuid4().hex[:16])

    def put(self, key: str, review: Review) -> None:
        if not self.enabled:
            return
        self._entries[key] = (self._clock() + self._ttl, review)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
