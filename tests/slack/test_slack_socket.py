"""Socket Mode: the same app over a local fake Socket Mode WebSocket."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from adapters.slack import SlackServer
from bot.compose.worker_pool import WorkerPool
from bot.compose.worker_process import worker_main
from bot.metrics import Metrics
from bot.service import ReviewService
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_socket import FakeSocketMode, socket_settings


@pytest.mark.parametrize("workers", [0, 1], ids=["in-process", "worker"])
async def test_socket_mode_acks_a_slash_command_and_reviews(workers: int, tmp_path: Path) -> None:
    api, socket = await FakeSlackApi().start(), await FakeSocketMode().start()
    api.socket_url = socket.url
    settings = socket_settings(api.url, tmp_path)
    pool = WorkerPool(settings, workers, worker_main, Metrics()) if workers else None
    if pool is not None:
        pool.start()
    server = SlackServer(ReviewService(settings), settings, jobs=pool)
    try:
        await server.start()
        await socket.wait_connected()
        [opened] = api.calls_to("apps.connections.open")
        assert opened.token == "xapp-test" and server.mode == "socket"
        for _ in range(100):  # start() does not wait for the connection: it can be stopped
            if await server.connected():
                break
            await asyncio.sleep(0.02)
        assert await server.connected()
        command = {
            "command": "/reviewoutreach",
            "text": "Hi Sam, how did the offsite go?",
            "user_id": "U0ALICE",
            "channel_id": "C0GENERAL",
            "team_id": "T0TEAM",
            "response_url": api.response_url("sock"),
            "trigger_id": "1.2.trig",
            "api_app_id": "A0APP",
            "token": "legacy",
        }
        started = asyncio.get_running_loop().time()
        envelope = await socket.send_envelope("slash_commands", command)
        ack = await socket.wait_ack(envelope)
        assert asyncio.get_running_loop().time() - started < 3
        assert "Reviewing" in ack["payload"]["text"]
        [posted] = await api.wait_for_post("sock", timeout=30)
        assert posted["blocks"][0]["type"] == "header"
    finally:
        await server.stop(grace=1)
        if pool is not None:
            await pool.stop(grace=5)
        await socket.close()
        await api.close()


async def test_socket_mode_at_debug_level_logs_no_draft(
    tmp_path: Path, captured: io.StringIO
) -> None:
    """slack_sdk prints every Socket Mode envelope at DEBUG: that must not reach the log."""
    api, socket = await FakeSlackApi().start(), await FakeSocketMode().start()
    api.socket_url = socket.url
    settings = socket_settings(api.url, tmp_path)
    server = SlackServer(ReviewService(settings), settings)
    try:
        await server.start()
        await socket.wait_connected()
        command = {
            "command": "/reviewoutreach",
            "text": "Hi Ada, MARKER-debug-5e2 I run a small agency. Quick call?",
            "user_id": "U0ALICE",
            "channel_id": "C0GENERAL",
            "team_id": "T0TEAM",
            "response_url": api.response_url("dbg"),
            "api_app_id": "A0APP",
        }
        await socket.wait_ack(await socket.send_envelope("slash_commands", command))
        await api.wait_for_post("dbg", timeout=10)
    finally:
        await server.stop(grace=1)
        await socket.close()
        await api.close()
    logs = captured.getvalue()
    assert "MARKER-debug-5e2" not in logs and "/response/dbg" not in logs
