"""`serve` with Slack in HTTP mode, in-process: the real slack-bolt app, the real store, the fake
Slack Web API, and /healthz, /readyz, /metrics on the Slack port."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.compose.runtime import Runtime
from bot.store.reconnecting import ReconnectingStore
from tests.fakes.serve_slack import (
    SLACK_ONLY,
    fake_slack,
    samples,
    serving,
    slack_settings,
    slash,
)

DRAFT = "Hi Jo, we help companies like yours grow. Free for a call this week?"


async def test_health_ready_metrics_and_a_review_on_the_slack_port(tmp_path: Path) -> None:
    async with fake_slack() as api, serving(slack_settings(api, tmp_path)) as runtime:
        assert runtime.health_server is None, "Slack HTTP mode serves health on its own port"
        async with aiohttp.ClientSession() as session:
            async with session.get(runtime.health_url + "/healthz") as alive:
                assert alive.status == 200
            async with session.get(runtime.health_url + "/readyz") as ready:
                assert ready.status == 200
                assert (await ready.json())["checks"] == {"store": True, "slack": True}

            assert await slash(session, runtime, api, DRAFT, "r1") == 200
            [posted] = await api.wait_for_post("r1")
            assert posted["blocks"][0]["type"] == "header"

            async with session.get(runtime.health_url + "/metrics") as metrics:
                assert metrics.status == 200
                assert metrics.headers["Content-Type"].startswith("text/plain")
                text = await metrics.text()
    families = [f.name for f in text_string_to_metric_families(text)]
    assert families and all(name.startswith("outreach_") for name in families), families
    found = samples(text)
    reviews = {k: v for k, v in found.items() if k[0] == "outreach_reviews_total"}
    assert len(reviews) == 1
    [(labels, count)] = [(dict(k[1]), v) for k, v in reviews.items()]
    assert count == 1 and labels["platform"] == "slack" and labels["source"] == "rules"
    assert found[("outreach_review_latency_seconds_count", (("platform", "slack"),))] == 1
    assert found[("outreach_store_up", ())] == 1


async def test_a_store_down_at_start_up_is_not_ready_but_reviews_go_on(tmp_path: Path) -> None:
    def unreachable(url: str) -> Any:
        raise ConnectionRefusedError("database down")

    store = ReconnectingStore("postgresql+psycopg://nowhere/x", opener=unreachable, retry_s=60)
    async with fake_slack() as api, serving(slack_settings(api, tmp_path), store=store) as runtime:
        async with aiohttp.ClientSession() as session:
            async with session.get(runtime.health_url + "/readyz") as ready:
                assert ready.status == 503
                body = await ready.json()
            assert body["not_ready"] == ["store"] and body["checks"]["slack"] is True
            assert await slash(session, runtime, api, DRAFT, "r1") == 200
            [posted] = await api.wait_for_post("r1")
            assert posted["blocks"][0]["type"] == "header"


async def test_the_rate_limit_answers_with_when_to_retry(tmp_path: Path) -> None:
    async with fake_slack() as api:
        settings = slack_settings(api, tmp_path, outreach_rate_limit=2)
        async with serving(settings) as runtime, aiohttp.ClientSession() as session:
            for name in ("r1", "r2", "r3"):
                assert await slash(session, runtime, api, DRAFT, name) == 200
                await api.wait_for_post(name)
            async with session.get(runtime.health_url + "/metrics") as metrics:
                found = samples(await metrics.text())
    assert "blocks" in api.posts_to("r1")[0] and "blocks" in api.posts_to("r2")[0]
    [refused] = api.posts_to("r3")
    assert "blocks" not in refused
    assert "2 reviews in the last minute" in refused["text"]
    assert "Try again in" in refused["text"]
    assert found[("outreach_reviews_rate_limited_total", (("platform", "slack"),))] == 1
    assert sum(v for k, v in found.items() if k[0] == "outreach_reviews_total") == 2


async def test_shutdown_refuses_new_reviews_and_stops_listening(tmp_path: Path) -> None:
    async with fake_slack() as api:
        runtime = Runtime(slack_settings(api, tmp_path), SLACK_ONLY, host="127.0.0.1", grace=2)
        await runtime.start()
        url = runtime.health_url
        await runtime.shutdown()
        assert runtime.service.in_flight == 0
        refused = await runtime.service.review(DRAFT, platform="slack", user="U1")
        assert getattr(refused, "reason", None) == "unavailable"
        async with aiohttp.ClientSession() as session:
            try:
                async with session.get(url + "/healthz", timeout=aiohttp.ClientTimeout(2)):
                    raise AssertionError("the port must be closed after shutdown")
            except aiohttp.ClientConnectionError:
                pass
        await asyncio.sleep(0)
