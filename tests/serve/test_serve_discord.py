"""`serve` with Discord, in-process against the fake Discord: health on HEALTH_PORT, and a
shutdown that lets the review in flight reach the user before the bot disconnects."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.compose.platforms import Platforms
from bot.compose.runtime import Runtime
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import (
    discord_settings,
    followups,
)
from tests.fakes.discord_payloads import slash_command
from tests.fakes.slack_harness import StubGrader

DISCORD_ONLY = Platforms(slack=False, discord=True, console=False)
DRAFT = "Hi Sam, long time no talk! How is the Lisbon office going?"


@contextmanager
def restored_endpoints() -> Iterator[None]:
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


async def wait_ready(session: aiohttp.ClientSession, runtime: Runtime) -> dict[str, object]:
    deadline = time.monotonic() + 10
    body: dict[str, object] = {}
    while time.monotonic() < deadline:
        async with session.get(runtime.health_url + "/readyz") as response:
            body = await response.json()
            if response.status == 200:
                return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"never ready: {body}")


async def test_health_runs_on_health_port_and_reports_discord(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = discord_settings(fake, health_port=0, database_url=f"sqlite:///{tmp_path}/d.db")
    with restored_endpoints():
        runtime = Runtime(
            settings, DISCORD_ONLY, host="127.0.0.1", grace=2, discord_ready_timeout=0.01
        )
        await runtime.start()
        try:
            assert runtime.health_server is not None and runtime.health_server.port
            async with aiohttp.ClientSession() as session:
                body = await wait_ready(session, runtime)
                assert body["checks"] == {"store": True, "discord": True}
                interaction = slash_command("reviewoutreach", {"draft": DRAFT})
                await fake.dispatch("INTERACTION_CREATE", interaction)
                await fake.wait_for("POST", rf"/webhooks/\d+/{interaction['token']}")
                async with session.get(runtime.health_url + "/metrics") as metrics:
                    text = await metrics.text()
        finally:
            await runtime.shutdown()
    assert 'outreach_reviews_total{platform="discord"' in text


async def test_shutdown_waits_for_the_review_in_flight_and_refuses_new_ones(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    gate = asyncio.Event()
    grader = StubGrader(gate=gate)
    settings = discord_settings(fake, health_port=0, database_url=f"sqlite:///{tmp_path}/d.db")
    with restored_endpoints():
        runtime = Runtime(
            settings,
            DISCORD_ONLY,
            host="127.0.0.1",
            grader=grader,
            grace=5,
            discord_ready_timeout=0.01,
        )
        await runtime.start()
        stopping: asyncio.Task[None] | None = None
        try:
            async with aiohttp.ClientSession() as session:
                await wait_ready(session, runtime)
            first = slash_command("reviewoutreach", {"draft": DRAFT})
            await fake.dispatch("INTERACTION_CREATE", first)
            deadline = time.monotonic() + 5
            while grader.calls == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert grader.calls == 1

            stopping = asyncio.create_task(runtime.shutdown())
            await asyncio.sleep(0.2)
            assert not stopping.done(), "shutdown must wait for the review in flight"
            late = slash_command("reviewoutreach", {"draft": DRAFT})
            await fake.dispatch("INTERACTION_CREATE", late)
            [refusal] = await fake.wait_for("POST", rf"/webhooks/\d+/{late['token']}")
            gate.set()
            await asyncio.wait_for(stopping, timeout=5)
        finally:
            gate.set()
            if stopping is None:
                await runtime.shutdown()
    [review] = followups(fake, first["token"])
    assert review.body["embeds"][0]["title"]
    assert "restarting" in str(refusal.body)
    assert grader.calls == 1, "no new review starts once shutdown has begun"
