"""Socket Mode when Slack cannot be reached or refuses a token: a refused token ends `serve`
with one line naming the variable and exit 1; an unreachable or silent Slack is retried with
backoff, a line per attempt and no traceback; SIGTERM or Ctrl-C stops it within 5 s."""

from __future__ import annotations

import asyncio
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adapters.slack import SlackServer
from bot.ports import AdapterFailed
from bot.service import ReviewService
from bot.settings import Settings
from tests.fakes.serve_slack import exit_code
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_socket import FakeSocketMode
from tests.fakes.slack_socket import socket_settings as slack_socket_settings
from tests.helpers import clean_env, free_port

APP_TOKEN = "xapp-1-A0TYPO-4242-mistypedtokenvalue"
BOT_TOKEN = "xoxb-4242-socket-fault-token"
STOP_WITHIN_S = 5.0


class SilentServer:
    """Accepts TCP connections on 127.0.0.1:0 and never answers: a Slack that hangs."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.connections = 0

    async def start(self) -> SilentServer:
        self.server = await asyncio.start_server(self._hold, "127.0.0.1", 0)
        return self

    async def _hold(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await reader.read()  # until the client gives up
        writer.close()

    @property
    def api_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/api/"

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()


def socket_settings(api_url: str, tmp_path: Path) -> Settings:
    return slack_socket_settings(
        api_url, tmp_path, slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN
    )


def log_lines(logs: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in logs.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    ("method", "variable"),
    [("apps.connections.open", "SLACK_APP_TOKEN"), ("auth.test", "SLACK_BOT_TOKEN")],
)
async def test_a_refused_token_fails_at_once_naming_the_variable(
    slack_api: FakeSlackApi, tmp_path: Path, captured: io.StringIO, method: str, variable: str
) -> None:
    slack_api.fail(method, "invalid_auth", times=100)
    settings = socket_settings(slack_api.url, tmp_path)
    server = SlackServer(ReviewService(settings), settings)
    await server.start()
    try:
        with pytest.raises(AdapterFailed, match=variable) as failed:
            await asyncio.wait_for(server.failure(), timeout=5)
        assert "invalid_auth" in str(failed.value)
        assert len(slack_api.calls_to(method)) == 1, "a refused token is not retried"
    finally:
        await server.stop(grace=1)
    logs = captured.getvalue()
    assert "Traceback" not in logs and "Retrying" not in logs
    assert APP_TOKEN not in logs and BOT_TOKEN not in logs


async def test_an_unreachable_slack_is_retried_with_backoff_and_stops_at_once(
    tmp_path: Path, captured: io.StringIO
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/"
    settings = socket_settings(closed, tmp_path)
    server = SlackServer(ReviewService(settings), settings)
    await server.start()
    retries: list[dict[str, object]] = []
    deadline = time.monotonic() + 10
    while len(retries) < 3 and time.monotonic() < deadline:  # attempts at 0, 1 and 3 s
        await asyncio.sleep(0.05)
        retries = [
            line
            for line in log_lines(captured.getvalue())
            if line["msg"] == "slack socket mode cannot connect; retrying"
        ]
    assert not await server.connected()
    started = time.monotonic()
    await server.stop(grace=1)
    assert time.monotonic() - started < 1.0
    assert [line["attempt"] for line in retries] == [1, 2, 3]
    assert [line["retry_in_s"] for line in retries] == [1.0, 2.0, 4.0]
    assert "Traceback" not in captured.getvalue() and "exc" not in json.dumps(retries)


async def test_a_failed_attempt_is_retried_then_the_app_serves(
    slack_api: FakeSlackApi, tmp_path: Path, captured: io.StringIO
) -> None:
    socket = await FakeSocketMode().start()
    slack_api.socket_url = socket.url
    slack_api.fail("apps.connections.open", "internal_error")
    settings = socket_settings(slack_api.url, tmp_path)
    server = SlackServer(ReviewService(settings), settings)
    await server.start()
    try:
        await socket.wait_connected(timeout=5)
        assert len(slack_api.calls_to("apps.connections.open")) == 2
        [retry] = [
            line for line in log_lines(captured.getvalue()) if "retrying" in str(line["msg"])
        ]
        assert retry["error"] == "internal_error"
    finally:
        await server.stop(grace=1)
        await socket.close()


# ---- `outreach-review serve --slack` as a real process -------------------------------------
def start_serve(
    spawned: list[subprocess.Popen[bytes]], tmp_path: Path, api_url: str
) -> tuple[subprocess.Popen[bytes], Path]:
    env = clean_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=api_url,
        OUTREACH_LLM="off",
        HEALTH_PORT=str(free_port()),
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--slack"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    spawned.append(proc)
    return proc, log


async def test_serve_with_a_refused_app_token_exits_1_with_one_line(
    slack_api: FakeSlackApi, spawn: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    slack_api.fail("apps.connections.open", "invalid_auth", times=1000)
    proc, log = start_serve(spawn, tmp_path, slack_api.url)
    assert await exit_code(proc, 15) == 1
    output = log.read_text()
    named = [line for line in output.splitlines() if "SLACK_APP_TOKEN" in line]
    assert len(named) == 1 and "invalid_auth" in named[0], output
    assert "Traceback" not in output and APP_TOKEN not in output
    assert len(slack_api.calls_to("apps.connections.open")) == 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
async def test_serve_stops_within_5_s_while_slack_is_unreachable_or_silent(
    spawn: list[subprocess.Popen[bytes]], tmp_path: Path, signum: signal.Signals
) -> None:
    silent = await SilentServer().start()
    if signum == signal.SIGTERM:  # nothing listens: every attempt fails at once
        proc, log = start_serve(spawn, tmp_path, f"http://127.0.0.1:{free_port()}/api/")
        await asyncio.sleep(4.0)  # attempts at about 0, 1 and 3 s
    else:  # Slack accepts the connection and never answers: signalled mid-attempt
        proc, log = start_serve(spawn, tmp_path, silent.api_url)
        deadline = time.monotonic() + 15
        while not silent.connections and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert silent.connections, log.read_text()[-2000:]
    signalled = time.monotonic()
    proc.send_signal(signum)
    code = await exit_code(proc, STOP_WITHIN_S)
    took = time.monotonic() - signalled
    await silent.close()
    assert code == 0, (code, took, log.read_text()[-2000:])
    output = log.read_text()
    assert "Traceback" not in output and APP_TOKEN not in output
    messages = [line["msg"] for line in log_lines(output)]
    assert messages[-1] == "stopped"
    if signum == signal.SIGTERM:  # one line per failed attempt, with backoff
        assert 2 <= messages.count("slack socket mode cannot connect; retrying") <= 4
