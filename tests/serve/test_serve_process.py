"""`outreach-review serve` as a real process: SIGTERM mid-review, configuration errors, the
console when nothing is configured. Slack and the model are local fakes."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

from tests.fakes.openai_server import FakeOpenAI, Step, error_body
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_payloads import command_body, sign
from tests.helpers import clean_env, free_port, run_cli

SECRET = "process-signing-secret-5b1d"
BOT_TOKEN = "xoxb-1111-2222-process-token"
API_KEY = "sk-process-secret-key-0123456789"
DRAFT = "Hi Morgan, MARKER-7c41 we help companies like yours grow. Free for a call?"


async def wait_until_healthy(url: str, proc: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 20
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            assert proc.returncode is None, "serve exited during start-up"
            try:
                async with session.get(url + "/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("serve never answered /healthz")


async def test_sigterm_mid_review_delivers_it_then_exits_0(tmp_path: Path) -> None:
    api = await FakeSlackApi().start()
    model = await FakeOpenAI().start()
    # The model takes 2 s and then refuses: the review comes from the rules, 2 s late.
    model.always(Step(401, error_body("bad key", kind="invalid_api_key"), delay=2.0))
    port = free_port()
    env = clean_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api.url,
        PORT=str(port),
        OPENAI_API_KEY=API_KEY,
        OPENAI_BASE_URL=model.base_url,
        OUTREACH_LLM_TIMEOUT="8",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", "--slack",
        env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_until_healthy(url, proc)
        body = command_body("/reviewoutreach", DRAFT, response_url=api.response_url("r1"))
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
        async with aiohttp.ClientSession() as session:
            async with session.post(url + "/slack/events", data=body, headers=headers) as ack:
                assert ack.status == 200
        deadline = time.monotonic() + 10
        while not model.requests and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert model.requests, "the review never reached the model"
        assert api.posts_to("r1") == [] or "blocks" not in api.posts_to("r1")[-1]

        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=15)
        took = time.monotonic() - signalled
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await model.aclose()
        await api.close()

    logs = stderr.decode()
    assert proc.returncode == 0, logs
    assert 1.0 < took < 10.5, took  # waited for the model, within the grace period
    review = [p for p in api.posts_to("r1") if "blocks" in p]
    assert len(review) == 1 and review[0]["blocks"][0]["type"] == "header"
    assert "Traceback" not in logs
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    messages = [line["msg"] for line in lines]
    assert "shutting down" in messages and messages[-1] == "stopped"
    [done] = [line for line in lines if line["msg"] == "review done"]
    assert done["platform"] == "slack" and done["grader"] == "rules" and done["request_id"]
    for secret in (SECRET, BOT_TOKEN, API_KEY, "MARKER-7c41", "companies like yours"):
        assert secret not in logs and secret not in stdout.decode()


def test_asking_for_slack_without_its_token_is_one_clear_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", "--slack")
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_asking_for_discord_without_its_token_is_one_clear_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", "--discord")
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_an_invalid_variable_stops_start_up_naming_it(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", OUTREACH_RATE_LIMIT="-5")
    assert result.returncode == 2
    assert "OUTREACH_RATE_LIMIT" in result.stderr and "Traceback" not in result.stderr
    bad_level = run_cli(tmp_path, "serve", LOG_LEVEL="LOUD")
    assert bad_level.returncode == 2
    assert "LOG_LEVEL" in bad_level.stderr and "Traceback" not in bad_level.stderr


def test_with_nothing_configured_the_console_reviews_and_says_how_to_add_a_platform(
    tmp_path: Path,
) -> None:
    result = run_cli(tmp_path, "serve", stdin=DRAFT, OUTREACH_LLM="off")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Score ") == 1
    assert "SLACK_BOT_TOKEN" in result.stderr and "DISCORD_TOKEN" in result.stderr
    assert "MARKER-7c41" not in result.stderr


def test_a_taken_port_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run_cli(
            tmp_path, "serve", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL="http://127.0.0.1:9/api/", PORT=port, OUTREACH_LLM="off",
        )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "cannot start" in result.stderr and "Traceback" not in result.stderr
