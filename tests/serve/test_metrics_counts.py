"""Prometheus metrics: every name `outreach_…`, per-process registries, and each count moved by
the real thing it counts (the service, the LLM grader over HTTP, the tip posters, dedupe)."""

from __future__ import annotations

import io
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bot.compose.platforms import Platforms
from bot.compose.runtime import Runtime
from bot.compose.wiring import build_service
from bot.metrics import MeteredPoster, Metrics
from bot.models import Review
from bot.ports import ChannelContext, PostError, PostOk, PostResult, RenderedTip
from bot.service import ReviewService
from bot.settings import Settings
from tests.fakes.memory_store import MemoryStore
from tests.fakes.model_answers import API_KEY, answer
from tests.fakes.model_answers import DRAFT as MODEL_DRAFT
from tests.fakes.openai_server import FakeOpenAI, Step, error_body, ok
from tests.fakes.tips_env import TIP

EXPECTED = {
    "outreach_reviews",
    "outreach_review_latency_seconds",
    "outreach_reviews_in_flight",
    "outreach_reviews_rate_limited",
    "outreach_model_calls",
    "outreach_model_failures",
    "outreach_model_tokens",
    "outreach_model_latency_seconds",
    "outreach_tips_posted",
    "outreach_tips_failed",
    "outreach_events_deduplicated",
    "outreach_store_up",
    "outreach_process_resident_memory_bytes",
}


def value(metrics: Metrics, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


def test_every_metric_is_named_outreach_and_registries_are_separate() -> None:
    first, second = Metrics(), Metrics()
    first.review_rate_limited("slack")
    families = {f.name for f in text_string_to_metric_families(first.render().decode())}
    assert EXPECTED <= families
    assert all(name.startswith("outreach_") for name in families), families
    assert value(first, "outreach_reviews_rate_limited_total", platform="slack") == 1
    assert value(second, "outreach_reviews_rate_limited_total", platform="slack") == 0


async def test_reviews_are_counted_by_platform_source_and_verdict() -> None:
    metrics = Metrics()
    svc = build_service(Settings(outreach_llm="off"), metrics=metrics)
    review = await svc.review("Hi Jo, we help companies like yours grow.", platform="discord")
    assert isinstance(review, Review)
    labels = {"platform": "discord", "source": "rules", "verdict": review.verdict}
    assert value(metrics, "outreach_reviews_total", **labels) == 1
    latency = value(metrics, "outreach_review_latency_seconds_count", platform="discord")
    assert latency == 1 and value(metrics, "outreach_reviews_in_flight") == 0


async def test_model_calls_tokens_and_failures_come_from_the_grader_hook() -> None:
    model = await FakeOpenAI().start()
    model.script(ok(answer(), prompt_tokens=300, completion_tokens=90))
    model.always(Step(401, error_body("bad key")))
    metrics = Metrics()
    settings = Settings(openai_api_key=API_KEY, openai_base_url=model.base_url, outreach_llm="on")
    svc = build_service(settings, metrics=metrics)
    try:
        good = await svc.review(MODEL_DRAFT, platform="slack")
        cached = await svc.review(MODEL_DRAFT, platform="slack")
        failed = await svc.review(MODEL_DRAFT + " Thanks!", platform="slack")
    finally:
        await svc.aclose()
        await model.aclose()
    assert isinstance(good, Review) and good.source == "llm"
    assert isinstance(cached, Review) and isinstance(failed, Review) and failed.source == "rules"
    assert value(metrics, "outreach_model_calls_total", outcome="ok") == 1
    assert value(metrics, "outreach_model_calls_total", outcome="cache_hit") == 1
    assert value(metrics, "outreach_model_failures_total", reason="auth") == 1
    assert value(metrics, "outreach_model_tokens_total", kind="prompt") == 300
    assert value(metrics, "outreach_model_tokens_total", kind="completion") == 90
    assert value(metrics, "outreach_model_latency_seconds_count") == 2


async def test_duplicate_events_are_counted_with_and_without_a_store() -> None:
    for store in (MemoryStore(), None):
        metrics = Metrics()
        svc = ReviewService(Settings(outreach_llm="off"), store=store, metrics=metrics)
        assert await svc.admission.claim_event("slack", "Ev1") is True
        assert await svc.admission.claim_event("slack", "Ev1") is False
        assert await svc.admission.claim_event("slack", "Ev1") is False
        assert value(metrics, "outreach_events_deduplicated_total", platform="slack") == 2


class ScriptedPoster:
    platform = "discord"

    def __init__(self, *results: PostResult | Exception) -> None:
        self.results = list(results)

    async def post_tip(self, workspace: str, channel: str, tip: RenderedTip) -> PostResult:
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


async def test_tip_posts_and_failures_are_counted_by_reason() -> None:
    metrics = Metrics()
    poster = MeteredPoster(
        ScriptedPoster(PostOk("m1"), PostError("not_in_channel"), RuntimeError("bug")), metrics
    )
    assert isinstance(await poster.post_tip("G", "1", TIP), PostOk)
    assert isinstance(await poster.post_tip("G", "1", TIP), PostError)
    try:
        await poster.post_tip("G", "1", TIP)
        raise AssertionError("a poster's exception must propagate")
    except RuntimeError:
        pass
    assert value(metrics, "outreach_tips_posted_total", platform="discord") == 1
    failed = "outreach_tips_failed_total"
    assert value(metrics, failed, platform="discord", reason="not_in_channel") == 1
    assert value(metrics, failed, platform="discord", reason="other") == 1


async def test_serve_counts_a_tip_posted_with_outreachtips_now(tmp_path: Path) -> None:
    settings = Settings(outreach_llm="off", database_url=f"sqlite:///{tmp_path}/m.db")
    out = io.StringIO()
    runtime = Runtime(settings, Platforms(False, False, False), stdout=out, grace=1)
    await runtime.start()
    try:
        here = ChannelContext("console", "local", "console", "you")
        tips = runtime.tips_for(runtime.posters["console"])
        assert (await tips.handle(here, "subscribe")).ok
        assert (await tips.handle(here, "now")).ok
    finally:
        await runtime.shutdown()
    assert '"platform": "console"' in out.getvalue()
    assert value(runtime.metrics, "outreach_tips_posted_total", platform="console") == 1
