"""`serve` with Slack in HTTP mode against the fake Web API: in-process through `Runtime`, or
as a real `outreach-review serve --slack` process; slash commands signed as Slack signs them,
and what /metrics reports."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.compose.platforms import Platforms
from bot.compose.runtime import Runtime
from bot.settings import Settings
from tests.fakes.model_answers import DRAFT
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_payloads import command_body, sign

SECRET = "serve-signing-secret"
SLACK_ONLY = Platforms(slack=True, discord=False, console=False)
ENTRY = [sys.executable, "-m", "bot.cli", "serve", "--slack"]


def slack_settings(api: FakeSlackApi, tmp_path: Path, **overrides: Any) -> Settings:
    """HTTP mode against `api`, signed with `SECRET`, rules only, SQLite in `tmp_path`."""
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-serve-test",
        "slack_signing_secret": SECRET,
        "slack_app_token": None,
        "slack_client_id": None,
        "slack_client_secret": None,
        "slack_api_url": api.url,
        "port": 0,
        "health_port": 0,
        "outreach_llm": "off",
        "database_url": f"sqlite:///{tmp_path}/serve.db",
        **overrides,
    }
    return Settings(**values)


@asynccontextmanager
async def serving(settings: Settings, **options: Any) -> AsyncIterator[Runtime]:
    """`serve --slack` in this process, shut down at the end."""
    runtime = Runtime(settings, SLACK_ONLY, host="127.0.0.1", grace=2, **options)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.shutdown()


@asynccontextmanager
async def fake_slack() -> AsyncIterator[FakeSlackApi]:
    api = await FakeSlackApi().start()
    try:
        yield api
    finally:
        await api.close()


async def slash(
    session: aiohttp.ClientSession, runtime: Runtime, api: FakeSlackApi, text: str, name: str
) -> int:
    """/reviewoutreach `text` to the in-process app; the reply goes to response URL `name`."""
    body = command_body("/reviewoutreach", text, response_url=api.response_url(name))
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    assert runtime.slack is not None
    async with session.post(runtime.slack.events_url, data=body, headers=headers) as response:
        return response.status


def samples(metrics_text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Each sample /metrics reports, by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def serve_env(api: FakeSlackApi, port: int, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `serve --slack` process on `port` against `api`, rules only."""
    prefixes = ("SLACK_", "DISCORD_", "OPENAI_", "OUTREACH_", "DATABASE_URL", "PORT", "HEALTH_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return env | {
        "SLACK_BOT_TOKEN": "xoxb-serve-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api.url,
        "PORT": str(port),
        "DATABASE_URL": database_url,
        "OUTREACH_LLM": "off",
        **extra,
    }


async def start_serve(
    spawned: list[subprocess.Popen[bytes]], env: dict[str, str], port: int, log: Path
) -> subprocess.Popen[bytes]:
    """Start `serve --slack` (appended to `spawned`) and wait until it listens on `port`."""
    with log.open("wb") as out:
        proc = subprocess.Popen(ENTRY, env=env, stdout=out, stderr=subprocess.STDOUT)
    spawned.append(proc)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"serve exited early:\n{log.read_text()[-2000:]}"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return proc
        except OSError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"serve did not listen:\n{log.read_text()[-2000:]}")


async def send_command(port: int, api: FakeSlackApi, response: str) -> int:
    """/reviewoutreach with the model answers' DRAFT to the `serve` process on `port`."""
    body = command_body("/reviewoutreach", DRAFT, response_url=api.response_url(response))
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
        ) as reply:
            return reply.status


async def exit_code(proc: subprocess.Popen[bytes], timeout: float) -> int | None:
    """The process's exit code, or None if it still runs after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return proc.poll()
