"""The store failing in the ways `serve` and the CLI meet it, with real processes.

A frozen PostgreSQL (the socket open, no answers; from start-up, or mid-run behind a relay
that stops relaying): every review is answered in a couple of seconds by the in-memory
fallbacks, /readyz says the store is down, and SIGTERM ends the process within
OUTREACH_SHUTDOWN_GRACE.

A SQLite file the bot may read but not write: the CLI says so at once, naming the file and
the cause; `serve` answers /healthz at once, /readyz says the store is down, reviews are not
delayed. Read-only here is SQLite's own `mode=ro` (the tests may run as root, whom file
permissions do not stop), in rollback-journal mode and in WAL mode.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import open_store
from tests.fakes.frozen_db import FrozenDatabase
from tests.fakes.serve_slack import exit_code, send_command, serve_env, start_serve
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.tips_env import PG_SKIP_REASON, postgres_url
from tests.helpers import free_port, run_cli

AT_ONCE_S = 5.0  # a process start and a failure; the old retry loop on a read-only file: 30 s

GRACE_S = 2.0
REVIEW_WITHIN_S = 4.0  # the store bound (2 s) and the review itself, on a busy machine


@pytest.fixture
async def frozen() -> AsyncIterator[FrozenDatabase]:
    server = await FrozenDatabase().start()
    yield server
    await server.close()


async def review_in_time(port: int, api: FakeSlackApi, name: str) -> float:
    started = time.monotonic()
    assert await send_command(port, api, name) == 200
    [posted] = await api.wait_for_post(name, timeout=REVIEW_WITHIN_S + 10)
    assert "Graded by the built-in rules" in json.dumps(posted["blocks"])
    return time.monotonic() - started


async def readiness(port: int) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/readyz") as reply:
            return reply.status, await reply.json()


async def stops_within_grace(proc: subprocess.Popen[bytes], log: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    assert await exit_code(proc, GRACE_S + 3) == 0, "SIGTERM must end serve within the grace"
    assert "Traceback" not in log.read_text()


async def test_a_database_that_accepts_and_never_answers_delays_no_review(
    slack_api: FakeSlackApi,
    frozen: FrozenDatabase,
    spawn: list[subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    env = serve_env(slack_api, port, frozen.url(), OUTREACH_SHUTDOWN_GRACE=str(GRACE_S))
    proc = await start_serve(spawn, env, port, log)
    # One review a second, through the store's retry (every 5 s it tries to connect again,
    # which takes 5 s to fail): none waits for it.
    waits = []
    for n in range(8):
        waits.append(await review_in_time(port, slack_api, f"r{n}"))
        await asyncio.sleep(1.0)
    assert max(waits) < REVIEW_WITHIN_S, waits
    assert frozen.accepted >= 2, "the bot did try the database, and again later"
    status, body = await readiness(port)
    assert status == 503 and body["not_ready"] == ["store"]
    await stops_within_grace(proc, log)


def _relay_to(url: str) -> tuple[str, int]:
    parsed = make_url(url)
    return parsed.host or "127.0.0.1", parsed.port or 5432


async def test_postgresql_freezing_mid_run_delays_no_review_and_sigterm_still_stops_it(
    slack_api: FakeSlackApi, spawn: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip(PG_SKIP_REASON)
    with postgres_url() as real_url:
        proxy = await FrozenDatabase(upstream=_relay_to(real_url)).start()
        try:
            url = make_url(real_url).set(host="127.0.0.1", port=proxy.port)
            port, log = free_port(), tmp_path / "serve.log"
            env = serve_env(
                slack_api,
                port,
                url.render_as_string(hide_password=False),
                OUTREACH_SHUTDOWN_GRACE=str(GRACE_S),
            )
            proc = await start_serve(spawn, env, port, log)
            await review_in_time(port, slack_api, "before")
            assert (await readiness(port))[0] == 200, "the store is up before the freeze"
            proxy.freeze()  # the pool's connections stay open and get no answer
            waits = [await review_in_time(port, slack_api, f"frozen{n}") for n in range(3)]
            assert max(waits) < REVIEW_WITHIN_S, waits
            status, body = await readiness(port)
            assert status == 503 and body["not_ready"] == ["store"]
            await stops_within_grace(proc, log)
        finally:
            await proxy.close()


def test_postgresql_connections_carry_keepalives_and_a_statement_timeout() -> None:
    with postgres_url() as url:
        store = open_store(url)
        try:
            with store.engine.connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "10s"
                raw = conn.connection.dbapi_connection
                assert raw is not None
                fd = socket.socket(fileno=os.dup(raw.pgconn.socket))  # type: ignore[attr-defined]
                try:
                    assert fd.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
                    assert fd.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 10
                finally:
                    fd.close()
        finally:
            store.close()


# --- a read-only SQLite file ---


@pytest.fixture(params=["delete", "wal"], ids=["rollback-journal", "wal"])
def read_only_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database, then opened read-only."""
    path = tmp_path / "outreach.db"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA journal_mode={request.param}")
    return f"sqlite:///file:{path}?mode=ro&uri=true"


@pytest.mark.parametrize("command", [["db", "upgrade"], ["tips", "status"], ["tips", "tick"]])
def test_the_cli_fails_at_once_naming_the_file_and_the_cause(
    read_only_url: str, tmp_path: Path, command: list[str]
) -> None:
    started = time.monotonic()
    result = run_cli(tmp_path, *command, DATABASE_URL=read_only_url)
    assert time.monotonic() - started < AT_ONCE_S
    assert result.returncode == 1
    assert str(tmp_path / "outreach.db") in result.stderr
    assert "readonly database" in result.stderr
    assert "Traceback" not in result.stderr


async def test_serve_is_healthy_at_once_reports_the_store_down_and_reviews_on_time(
    slack_api: FakeSlackApi,
    spawn: list[subprocess.Popen[bytes]],
    tmp_path: Path,
    read_only_url: str,
) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    started = time.monotonic()
    proc = await start_serve(spawn, serve_env(slack_api, port, read_only_url), port, log)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/healthz") as reply:
            assert reply.status == 200
        assert time.monotonic() - started < AT_ONCE_S
    status, body = await readiness(port)
    assert status == 503 and body["not_ready"] == ["store"]
    assert max([await review_in_time(port, slack_api, f"r{n}") for n in range(2)]) < 1.5
    proc.terminate()
    assert await exit_code(proc, 12) == 0
    logged = log.read_text()
    assert "readonly database" in logged and "Traceback" not in logged
