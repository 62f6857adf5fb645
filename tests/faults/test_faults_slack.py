"""Slack's Web API failing while a review is posted: 429 and 500 are retried, and when they
last, the user reads a clear sentence (by DM) instead of silence or a traceback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.fakes.slack_harness import SlackHarness
from tests.fakes.slack_payloads import reaction

DRAFT = (
    "Hi Sam, your talk on onboarding at DataConf stuck with me, especially the part about "
    "first-week buddies. How did you get the managers to buy in?"
)
RETRIES = 2  # adapters.slack.app.RATE_LIMIT_RETRIES: attempts = 1 + RETRIES


def thread_posts(slack: SlackHarness, ts: str) -> list[dict[str, Any]]:
    return [
        c.params for c in slack.api.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts
    ]


def direct_messages(slack: SlackHarness) -> list[dict[str, Any]]:
    return [
        c.params for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == "U0ALICE"
    ]


async def react(slack: SlackHarness) -> str:
    message = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
    reply = await slack.event(reaction(message["ts"]), event_id="Ev1")
    assert reply.status == 200 and reply.seconds < 1.0
    return str(message["ts"])


@pytest.mark.parametrize(
    ("error", "status"),
    [("ratelimited", 429), ("internal_error", 500)],
)
async def test_one_failure_is_retried_and_the_review_posted_once(error: str, status: int) -> None:
    async with SlackHarness() as slack:
        slack.api.fail("chat.postMessage", error, status=status, retry_after=0)
        ts = await react(slack)
        await slack.api.wait_for("chat.postMessage", count=2, timeout=6)
        await asyncio.sleep(0.3)
        posts = thread_posts(slack, ts)
        assert len(posts) == 2, "one failed attempt, one retry"
        assert "Graded by" in json.dumps(posts[-1]["blocks"])
        assert direct_messages(slack) == [], "a retried success needs no apology"


@pytest.mark.parametrize(
    ("error", "status", "says"),
    [
        ("ratelimited", 429, "Slack is rate-limiting me right now"),
        ("internal_error", 500, "Something went wrong talking to Slack"),
    ],
)
async def test_a_lasting_failure_ends_in_a_clear_message(
    error: str, status: int, says: str
) -> None:
    async with SlackHarness() as slack:
        slack.api.fail("chat.postMessage", error, status=status, retry_after=0, times=1 + RETRIES)
        ts = await react(slack)
        # Two retries with backoff and up to 1 s of jitter each: allow for the slowest case.
        calls = await slack.api.wait_for("chat.postMessage", count=2 + RETRIES, timeout=10)
        assert len(thread_posts(slack, ts)) == 1 + RETRIES, "every retry was tried"
        [dm] = [c.params for c in calls if c.params["channel"] == "U0ALICE"]
        assert says in dm["text"] and "try again" in dm["text"]
        assert "Traceback" not in json.dumps(dm)
