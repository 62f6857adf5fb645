"""Each Slack failure gets a friendly, actionable message and one log line; never a traceback."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from adapters.slack import reviews
from tests.fakes.slack_harness import SlackHarness, StubGrader, click, review_id_of
from tests.fakes.slack_payloads import reaction

DRAFT = "Hi Sam, your talk on onboarding at DataConf stuck with me. How did you get buy-in?"


def failure_lines(caplog: pytest.LogCaptureFixture, code: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "error", None) == code]


async def share_fails_with(slack: SlackHarness, error: str, **script: object) -> str:
    posted = await slack.private_review(DRAFT, response=f"review-{error}")
    slack.api.fail("chat.postMessage", error, **script)  # type: ignore[arg-type]
    await slack.interact(click(slack.api, "review_share", review_id_of(posted), error))
    [note] = await slack.api.wait_for_post(error, timeout=8)
    return str(note["text"])


async def test_not_in_channel_and_channel_not_found_say_what_to_do(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="outreach.slack")
    async with SlackHarness() as slack:
        text = await share_fails_with(slack, "not_in_channel")
        assert "/invite @Outreach Review" in text
        assert len(failure_lines(caplog, "not_in_channel")) == 1
        text = await share_fails_with(slack, "channel_not_found")
        assert "Review outreach draft" in text and "/invite" in text


async def test_missing_scope_names_the_permission_in_a_dm() -> None:
    async with SlackHarness() as slack:
        message = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        slack.api.fail("conversations.history", "missing_scope", needed="channels:history")
        await slack.event(reaction(message["ts"]), event_id="Ev1")
        [dm] = await slack.api.wait_for("chat.postMessage")
        assert dm.params["channel"] == "U0ALICE"
        assert "channels:history" in dm.params["text"] and "reinstall" in dm.params["text"]
        # nothing was claimed: once the scope is granted, reacting again works
        await slack.event(reaction(message["ts"]), event_id="Ev2")
        calls = await slack.api.wait_for("chat.postMessage", count=2)
        assert calls[1].params["thread_ts"] == message["ts"]


async def test_ratelimited_is_retried_after_retry_after() -> None:
    async with SlackHarness() as slack:
        message = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        slack.api.fail("chat.postMessage", "ratelimited", status=429, retry_after=1)
        await slack.event(reaction(message["ts"]), event_id="Ev1")
        first, second = await slack.api.wait_for("chat.postMessage", count=2, timeout=6)
        assert second.at - first.at >= 1.0, "Retry-After must be honoured"
        assert second.params["thread_ts"] == message["ts"]
        await asyncio.sleep(0.2)
        assert len(slack.api.calls_to("chat.postMessage")) == 2


async def test_ratelimited_for_good_tells_the_user_to_retry() -> None:
    async with SlackHarness() as slack:
        text = await share_fails_with(slack, "ratelimited", status=429, retry_after=0, times=3)
        assert "rate-limiting" in text and "try again" in text


async def test_expired_response_url_falls_back_to_a_dm_with_the_review() -> None:
    async with SlackHarness() as slack:
        slack.api.expire("dead")
        await slack.command(DRAFT, response="dead")
        [dm] = await slack.api.wait_for("chat.postMessage")
        assert dm.params["channel"] == "U0ALICE"
        blocks = dm.params["blocks"]
        assert "expired" in json.dumps(blocks[0]) and blocks[1]["type"] == "header"


async def test_expired_trigger_id_asks_to_run_the_command_again() -> None:
    async with SlackHarness() as slack:
        slack.api.fail("views.open", "expired_trigger_id")
        await slack.command("")
        [note] = await slack.api.wait_for_post("r1")
        assert "Run `/reviewoutreach` again" in note["text"]


async def test_a_crash_in_the_core_shows_a_friendly_line_not_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with SlackHarness(grader=StubGrader(fail=True)) as slack:
        await slack.command(DRAFT)
        [note] = await slack.api.wait_for_post("r1")
        assert "went wrong on my side" in note["text"]
        assert "grader exploded" not in json.dumps(note) and "Traceback" not in json.dumps(note)
        assert len(failure_lines(caplog, "RuntimeError")) == 1
        assert DRAFT not in caplog.text


async def test_the_error_handler_catches_a_failing_ack(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> dict[str, str]:
        raise ValueError("boom")

    monkeypatch.setattr(reviews, "command_ack", broken)
    async with SlackHarness() as slack:
        reply = await slack.command(DRAFT)
        assert "boom" not in reply.text and "Traceback" not in reply.text
        await slack.api.wait_for_post("r1")
        await asyncio.sleep(0.2)
        posts = json.dumps(slack.api.posts_to("r1"))
        assert "went wrong on my side" in posts
        assert "boom" not in posts and "Traceback" not in posts
