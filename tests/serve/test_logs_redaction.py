"""Structured logs: JSON off a terminal, text on one; request ids; no draft, token or secret."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.llm import build_grader
from bot.logs import REDACTED, make_handler, parse_level
from bot.metrics import Metrics
from bot.settings import Settings, SettingsError
from tests.fakes.openai_server import FakeOpenAI, Step, error_body
from tests.fakes.slack_harness import SECRET, SlackHarness

API_KEY = "sk-log-test-secret-key-0123456789abcdef"
BOT_TOKEN = "xoxb-9999-8888-logtesttokenvalue"
DRAFT = "Hi Priya, SECRETDRAFT-81f2 I am the founder of Loopwise. Are you free for a call?"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456"


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_a_full_review_flow_logs_no_draft_and_no_secret(captured: io.StringIO) -> None:
    model = await FakeOpenAI().start()
    # 500 then 401: retries, a warning about the provider, the rules take over.
    model.script(Step(500, error_body("overloaded"))).always(Step(401, error_body("bad key")))
    metrics = Metrics()
    grader_settings = Settings(
        openai_api_key=API_KEY, openai_base_url=model.base_url, outreach_llm_timeout=5
    )
    grader = build_grader(grader_settings, on_call=metrics.model_call)
    try:
        async with SlackHarness(grader=grader, slack_bot_token=BOT_TOKEN) as slack:
            assert (await slack.command(DRAFT)).status == 200
            [posted] = await slack.api.wait_for_post("r1")
            assert "blocks" in posted
    finally:
        await model.aclose()
    logs = captured.getvalue()
    lines = [json.loads(line) for line in logs.splitlines()]
    [done] = [line for line in lines if line["msg"] == "review done"]
    assert done["platform"] == "slack" and done["grader"] == "rules"
    assert done["request_id"] and done["latency_ms"] > 0
    assert any(line["level"] == "ERROR" for line in lines), "the model failure is logged"
    for secret in (API_KEY, BOT_TOKEN, SECRET, "SECRETDRAFT-81f2", "founder of Loopwise"):
        assert secret not in logs
    assert metrics.model_failures.labels("auth")._value.get() >= 1


def test_token_like_strings_are_redacted_everywhere(captured: io.StringIO) -> None:
    log = logging.getLogger("outreach.test")
    log.warning("token %s in args", BOT_TOKEN, extra={"header": f"Bot {DISCORD_TOKEN}"})
    log.info("app token xapp-1-A0APP-123456-abcdef and key %s", API_KEY)
    log.info("auth", extra={"authorization": "Bearer abcdefghijklmnopqrstuvwx"})
    try:
        raise RuntimeError(f"failed with {BOT_TOKEN}")
    except RuntimeError:
        log.exception("boom")
    logs = captured.getvalue()
    for secret in (BOT_TOKEN, DISCORD_TOKEN, API_KEY, "xapp-1-A0APP", "abcdefghijklmnopqrstuvwx"):
        assert secret not in logs
    assert logs.count(REDACTED) >= 6
    assert "RuntimeError" in logs and "token [redacted] in args" in logs


def test_json_off_a_terminal_and_readable_text_on_one() -> None:
    log = logging.getLogger("outreach.test.format")
    log.propagate = False
    piped, terminal = io.StringIO(), Tty()
    for stream in (piped, terminal):
        log.handlers = [make_handler(stream)]
        log.warning("review done", extra={"platform": "discord", "latency_ms": 12.5})
    log.handlers = []
    log.propagate = True
    line = json.loads(piped.getvalue())
    assert line["msg"] == "review done" and line["platform"] == "discord"
    assert line["latency_ms"] == 12.5 and line["level"] == "WARNING"
    text = terminal.getvalue()
    assert not text.startswith("{") and "review done" in text
    assert "platform=discord" in text and "latency_ms=12.5" in text


def test_a_bad_log_level_names_the_variable() -> None:
    assert parse_level("debug") == logging.DEBUG
    with pytest.raises(SettingsError, match="LOG_LEVEL"):
        parse_level("LOUD")
