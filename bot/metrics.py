"""Prometheus metrics, every one named `outreach_…`, in a registry owned by one `serve` process.

No global registry: `Metrics()` makes its own `CollectorRegistry`, `serve` builds one and
passes it down (service, grader hook, tip posters, health server), so tests stay isolated.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)

from bot.models import Review
from bot.ports import PostError, PostOk, PostResult, RenderedTip, TipPoster

CONTENT_TYPE = CONTENT_TYPE_LATEST
REVIEW_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)
MODEL_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60)
# Outcomes the grader reports that are not failures.
MODEL_SUCCESS = frozenset({"ok", "cache_hit"})


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.reviews = Counter(
            "outreach_reviews",
            "Reviews delivered, by platform, grader (llm or rules) and verdict.",
            ["platform", "source", "verdict"],
            registry=r,
        )
        self.review_latency = Histogram(
            "outreach_review_latency_seconds",
            "Time to produce a review (rules and model), by platform.",
            ["platform"],
            buckets=REVIEW_BUCKETS,
            registry=r,
        )
        self.reviews_in_flight = Gauge(
            "outreach_reviews_in_flight", "Reviews being produced right now.", registry=r
        )
        self.rate_limited = Counter(
            "outreach_reviews_rate_limited",
            "Reviews refused because the user hit OUTREACH_RATE_LIMIT, by platform.",
            ["platform"],
            registry=r,
        )
        self.refused_busy = Counter(
            "outreach_reviews_refused_busy",
            "Reviews refused because a worker process already held its maximum backlog.",
            registry=r,
        )
        self.model_calls = Counter(
            "outreach_model_calls",
            "Model gradings, by outcome: ok, cache_hit, or the reason the rules took over.",
            ["outcome"],
            registry=r,
        )
        self.model_failures = Counter(
            "outreach_model_failures",
            "Model gradings that fell back to the rules, by reason.",
            ["reason"],
            registry=r,
        )
        self.model_tokens = Counter(
            "outreach_model_tokens",
            "Tokens sent to and received from the model, by kind (prompt or completion).",
            ["kind"],
            registry=r,
        )
        self.model_latency = Histogram(
            "outreach_model_latency_seconds",
            "Time spent on one model grading, retries included.",
            buckets=MODEL_BUCKETS,
            registry=r,
        )
        self.tips_posted = Counter(
            "outreach_tips_posted", "Tips posted to a channel, by platform.", ["platform"],
            registry=r,
        )  # fmt: skip
        self.tips_failed = Counter(
            "outreach_tips_failed",
            "Tip posts that failed, by platform and reason.",
            ["platform", "reason"],
            registry=r,
        )
        self.events_deduplicated = Counter(
            "outreach_events_deduplicated",
            "Platform events dropped because this or another replica already handled them.",
            ["platform"],
            registry=r,
        )
        # outreach_process_resident_memory_bytes, cpu seconds, open fds (Linux)
        ProcessCollector(namespace="outreach", registry=r)
        self.store_up = Gauge(
            "outreach_store_up", "1 when the last store operation succeeded, else 0.", registry=r
        )

    # --- hooks called by the service, the grader and the posters ---

    def review_done(self, platform: str, review: Review, seconds: float) -> None:
        self.count_review(platform, review.source, review.verdict, seconds)

    def count_review(self, platform: str, source: str, verdict: str, seconds: float) -> None:
        self.reviews.labels(platform, source, verdict).inc()
        self.review_latency.labels(platform).observe(seconds)

    def review_started(self) -> None:
        self.reviews_in_flight.inc()

    def review_finished(self) -> None:
        self.reviews_in_flight.dec()

    def store_state(self, up: bool) -> None:
        self.store_up.set(int(up))

    def review_rate_limited(self, platform: str) -> None:
        self.rate_limited.labels(platform).inc()

    def review_refused_busy(self) -> None:
        self.refused_busy.inc()

    def event_duplicate(self, platform: str) -> None:
        self.events_deduplicated.labels(platform).inc()

    def model_call(
        self, outcome: str, prompt_tokens: int, completion_tokens: int, latency_s: float
    ) -> None:
        """Matches `bot.llm.OnCall`: pass it as the grader's `on_call`."""
        self.model_calls.labels(outcome).inc()
        if outcome not in MODEL_SUCCESS:
            self.model_failures.labels(outcome).inc()
        if prompt_tokens:
            self.model_tokens.labels("prompt").inc(prompt_tokens)
        if completion_tokens:
            self.model_tokens.labels("completion").inc(completion_tokens)
        if outcome != "cache_hit":
            self.model_latency.observe(latency_s)

    def tip_result(self, platform: str, result: PostResult) -> None:
        if isinstance(result, PostOk):
            self.tips_posted.labels(platform).inc()
        else:
            self.tips_failed.labels(platform, result.kind).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MeteredPoster:
    """Wraps a `TipPoster` so every post, by the scheduler or `/outreachtips now`, is counted."""

    def __init__(self, inner: TipPoster, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics
        self.platform = inner.platform

    async def post_tip(self, workspace: str, channel: str, tip: RenderedTip) -> PostResult:
        try:
            result = await self.inner.post_tip(workspace, channel, tip)
        except BaseException:
            self.metrics.tip_result(self.platform, PostError("other", "exception"))
            raise
        self.metrics.tip_result(self.platform, result)
        return result
