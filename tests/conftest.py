"""The fixtures tests in several folders use: the fakes on 127.0.0.1, started and closed, a
database on each backend, discord.py's URLs put back, and the log captured as JSON lines.

A folder's own fixtures live in its conftest.py; helpers that are not fixtures live in
tests/fakes/ and tests/helpers.py. No test module imports another
(tests/serve/test_architecture.py checks it).
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.logs import configure_logging
from bot.store import Store, open_store
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.tips_env import backend_url


@pytest.fixture
async def openai() -> AsyncIterator[FakeOpenAI]:
    """A started fake OpenAI-compatible server."""
    server = await FakeOpenAI().start()
    yield server
    await server.aclose()


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    """A started fake Slack Web API (and `response_url`s)."""
    api = await FakeSlackApi().start()
    yield api
    await api.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord (REST and gateway), for the Discord tests."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each backend (PostgreSQL skips without TEST_DATABASE_URL)."""
    with backend_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """The store, migrated, on each backend."""
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def restore_endpoints() -> Iterator[None]:
    """discord.py's REST base and gateway URL as they were before the test pointed them at a
    fake Discord (they are class attributes: they outlive the bot that set them)."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged during the test, at DEBUG, as the JSON lines `serve` writes."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("DEBUG", stream, json_lines=True)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
