"""A SQLite file the bot may read but not write: the CLI says so at once, naming the file and
the cause; `serve` answers /healthz at once, /readyz says the store is down, and reviews are
not delayed. Read-only here is SQLite's own `mode=ro` (the tests may run as root, whom file
permissions do not stop); in rollback-journal mode and in WAL mode."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest

from bot.store import open_store
from tests.fakes.slack_api import FakeSlackApi
from tests.test_faults_serve import (
    exit_code,
    send_command,
    serve_env,
    slack_api,
    spawn,
    start_serve,
)
from tests.test_faults_slack import free_port
from tests.test_serve_process import run_cli

__all__ = ["slack_api", "spawn"]  # fixtures

AT_ONCE_S = 5.0  # a process start and a failure; the old retry loop took 30 s


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
        async with session.get(f"http://127.0.0.1:{port}/readyz") as reply:
            assert reply.status == 503
            assert (await reply.json())["not_ready"] == ["store"]
    for n in range(2):
        asked = time.monotonic()
        assert await send_command(port, slack_api, f"r{n}") == 200
        [posted] = await slack_api.wait_for_post(f"r{n}", timeout=10)
        assert time.monotonic() - asked < 1.5
        assert "Graded by the built-in rules" in json.dumps(posted["blocks"])
    proc.terminate()
    assert await exit_code(proc, 12) == 0
    text = log.read_text()
    assert "readonly database" in text and "Traceback" not in text
