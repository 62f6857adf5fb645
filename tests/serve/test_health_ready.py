"""/healthz, /readyz, /metrics on their own port, and the store that reconnects by itself."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy.exc import OperationalError

from bot.compose.health import Health, HealthServer
from bot.metrics import Metrics
from bot.store import open_store
from bot.store.reconnecting import ReconnectingStore, StoreUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        is_json = response.content_type == "application/json"
        return response.status, await (response.json() if is_json else response.text())


async def test_readyz_names_what_is_not_ready_and_healthz_stays_alive() -> None:
    async def ready() -> bool:
        return True

    async def down() -> bool:
        return False

    async def hangs() -> bool:
        await asyncio.sleep(60)
        return True

    health = Health(Metrics(), check_timeout=0.3)
    health.add_check("slack", ready)
    server = HealthServer(health, "127.0.0.1", 0)
    await server.start()
    try:
        assert await get(server.url + "/readyz") == (
            200,
            {"ready": True, "checks": {"slack": True}, "not_ready": []},
        )
        health.add_check("discord", down)
        status, body = await get(server.url + "/readyz")
        assert status == 503 and body["not_ready"] == ["discord"]
        health.draining = True
        status, body = await get(server.url + "/readyz")
        assert status == 503 and body["not_ready"] == ["shutting_down", "discord"]
        assert await get(server.url + "/healthz") == (200, {"status": "ok"})
        status, text = await get(server.url + "/metrics")
        assert status == 200 and "# TYPE outreach_reviews_total counter" in text
        assert "outreach_reviews_total{" not in text  # no review yet

        health.draining = False
        health.checks = {"slow": hangs}
        started = asyncio.get_running_loop().time()
        status, body = await get(server.url + "/readyz")
        assert status == 503 and body["checks"] == {"slow": False}
        assert asyncio.get_running_loop().time() - started < 2
    finally:
        await server.stop()


def test_the_store_comes_back_after_an_outage_at_start_up(tmp_path: Path) -> None:
    attempts: list[str] = []
    clock = Clock()

    def opener(url: str) -> Any:
        attempts.append(url)
        if len(attempts) == 1:
            raise ConnectionRefusedError("not yet")
        return open_store(url)

    store = ReconnectingStore(f"sqlite:///{tmp_path}/s.db", opener=opener, retry_s=5, clock=clock)
    assert store.connect() is False and not store.ping()
    try:
        store.claim_event("slack", "E1")
        raise AssertionError("a down store must refuse at once")
    except StoreUnavailable:
        pass
    assert len(attempts) == 1, "no new attempt before retry_s"
    clock.now = 5.0
    assert store.claim_event("slack", "E1") is True  # reconnected, migrated, works
    assert store.claim_event("slack", "E1") is False
    assert store.ping() and store.connected
    store.close()


def test_a_connection_error_on_an_open_store_trips_the_breaker(tmp_path: Path) -> None:
    clock = Clock()
    real = open_store(f"sqlite:///{tmp_path}/b.db")
    calls: list[str] = []

    class Flaky:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def claim_event(self, platform: str, key: str) -> bool:
            calls.append(key)
            raise OperationalError("INSERT", {}, ConnectionError("server closed the connection"))

    store = ReconnectingStore("x", opener=lambda url: Flaky(), retry_s=5, clock=clock)  # type: ignore[arg-type,return-value]
    for _ in range(3):
        try:
            store.claim_event("slack", "E1")
        except (OperationalError, StoreUnavailable):
            pass
    assert calls == ["E1"], "after one connection failure, calls fail fast until retry_s"
    clock.now = 6.0
    assert store.connected
    real.close()
