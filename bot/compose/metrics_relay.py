"""Metrics from worker processes: a worker's hook calls, batched, counted by the serving process.

The serving process owns the one registry behind `/metrics`; a worker's `RelayMetrics`
records each hook call and sends them in one batch every `RELAY_EVERY_S` over its own
pipe, and `apply_relayed` replays them into the serving process's `Metrics`.
"""

from __future__ import annotations

import asyncio
from multiprocessing.connection import Connection
from typing import Any

from bot.metrics import Metrics
from bot.ports import PostResult

Events = list[tuple[str, tuple[Any, ...]]]
RELAY_EVERY_S = 0.25
JOB_DONE = "job_done"
# The hooks a worker may relay; anything else is dropped.
RELAYED_HOOKS = frozenset(
    {
        "count_review",
        "review_rate_limited",
        "event_duplicate",
        "model_call",
        "tip_result",
        "review_started",
        "review_finished",
        "store_state",
    }
)


class RelayMetrics(Metrics):
    """A worker's metrics: hook calls are kept and sent in batches (`flush`)."""

    def __init__(self, events: Connection) -> None:
        super().__init__()
        self._events = events
        self._pending: Events = []

    def _send(self, hook: str, *args: Any) -> None:
        self._pending.append((hook, args))

    def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        try:
            self._events.send(batch)
        except (OSError, ValueError):  # the serving process is gone: lost counts, no error
            pass

    async def relay_forever(self) -> None:
        try:
            while True:
                await asyncio.sleep(RELAY_EVERY_S)
                self.flush()
        finally:
            self.flush()

    def count_review(self, platform: str, source: str, verdict: str, seconds: float) -> None:
        self._send("count_review", platform, source, verdict, seconds)

    def review_rate_limited(self, platform: str) -> None:
        self._send("review_rate_limited", platform)

    def event_duplicate(self, platform: str) -> None:
        self._send("event_duplicate", platform)

    def model_call(
        self, outcome: str, prompt_tokens: int, completion_tokens: int, latency_s: float
    ) -> None:
        self._send("model_call", outcome, prompt_tokens, completion_tokens, latency_s)

    def tip_result(self, platform: str, result: PostResult) -> None:
        self._send("tip_result", platform, result)

    def review_started(self) -> None:
        self._send("review_started")

    def review_finished(self) -> None:
        self._send("review_finished")

    def store_state(self, up: bool) -> None:
        self._send("store_state", up)

    def job_done(self) -> None:
        """Not a metric: tells the pool this worker's backlog is one job shorter."""
        self._send(JOB_DONE)


def apply_relayed(metrics: Metrics, batch: Events) -> int:
    """Count `batch` into `metrics`; returns how many jobs it says were finished."""
    done = 0
    for hook, args in batch:
        if hook in RELAYED_HOOKS:
            getattr(metrics, hook)(*args)
        elif hook == JOB_DONE:
            done += 1
    return done
