"""Hostile and broken requests to `/slack/events`: an unverified request does nothing at all
(401, no call out, no draft in the log); a signed but malformed one gets a 400, not a 500."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
import urllib.parse
from typing import Any

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack import build_app, build_client
from adapters.slack.deps import SlackDeps
from bot.service import ReviewService
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import SECRET, SlackHarness, click, harness_settings
from tests.fakes.slack_payloads import command_body, event_body, interaction_body, sign

DRAFT = "Hi Ines, MARKER-hostile-93d1 your migration write-up was great. Could we talk Friday?"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# X-Slack-Request-Timestamp values that are not a plain integer, or no headers at all.
BAD_TIMESTAMPS = ["abc", "", "1e9", "9" * 500, "-1", "0x10", " ", "1.5"]


def refusal_lines(logs: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    return [line for line in lines if line["msg"] == "slack request refused"]


def assert_no_trace_of(logs: str, slack: SlackHarness) -> None:
    for secret in ("MARKER-hostile-93d1", "migration write-up", slack.api.response_url(""), SECRET):
        assert secret not in logs
    assert "Traceback" not in logs and "Error handling request" not in logs


def hostile_command(api: FakeSlackApi) -> str:
    return command_body("/reviewoutreach", DRAFT, response_url=api.response_url("hostile"))


def reaction_event(event: Any) -> str:
    body = json.loads(event_body({"type": "reaction_added"}, event_id="Ev1"))
    return json.dumps({**body, "event": event})


async def test_an_unsigned_request_gets_401_and_the_bot_calls_nobody(
    captured: io.StringIO,
) -> None:
    async with SlackHarness() as slack:
        body = hostile_command(slack.api)
        replies = [await slack.post(body, FORM, signed=False)]
        for timestamp in BAD_TIMESTAMPS:
            garbled = {"X-Slack-Request-Timestamp": timestamp}
            replies.append(await slack.post(body, FORM, headers=garbled))
            forged = {**garbled, "X-Slack-Signature": "v0=" + "0" * 64}
            replies.append(await slack.post(body, FORM, headers=forged, signed=False))
        event = event_body({"type": "app_mention", "user": "U0ALICE"}, event_id="Ev9")
        replies.append(await slack.post(event, JSON, headers={"X-Slack-Request-Timestamp": ""}))
        replies.append(await slack.post(body, FORM, secret="guessed-secret"))
        assert [r.status for r in replies] == [401] * len(replies)
        await asyncio.sleep(0.3)
        assert slack.api.calls == [], "no Web API call, no DM"
        assert slack.api.response_posts == [], "nothing posted to the body's response_url"
    assert_no_trace_of(captured.getvalue(), slack)


async def test_refused_requests_log_no_draft_and_one_line_with_a_count(
    captured: io.StringIO,
) -> None:
    async with SlackHarness() as slack:
        big = command_body(
            "/reviewoutreach", DRAFT + " filler" * 100_000, response_url=slack.api.response_url()
        )[:1_000_000]
        late = int(time.time()) - 6 * 60  # a genuine request from a host whose clock is behind
        statuses = [(await slack.post(big, FORM, signed=False)).status for _ in range(10)]
        statuses += [(await slack.post(hostile_command(slack.api), FORM, timestamp=late)).status]
        statuses += [(await slack.post(big, FORM, secret="nope")).status for _ in range(9)]
        assert statuses == [401] * 20
        during = refusal_lines(captured.getvalue())
    logs = captured.getvalue()
    assert_no_trace_of(logs, slack)
    assert "Invalid request signature" not in logs
    assert len(during) == 1, "one line, then quiet for the rest of the interval"
    after = refusal_lines(logs)
    assert len(after) == 2 and sum(line["refused"] for line in after) == 20
    assert "stale_timestamp:1" in after[1]["reasons"] and after[0]["status"] == 401
    assert len(logs) < 4000, "20 MB of refused bodies must not reach the log"


async def test_bolt_itself_never_logs_a_body_nor_answers_an_unverified_request(
    captured: io.StringIO,
) -> None:
    """Behind the edge, bolt verifies again: reached directly, it neither logs the body nor
    lets the error handler act on what an unverified body names."""
    api = await FakeSlackApi().start()
    settings = harness_settings(api)
    app = build_app(SlackDeps.build(ReviewService(settings), settings, build_client(settings)))
    body = hostile_command(api)
    headers = {"content-type": FORM, **sign("not-the-secret", body)}
    try:
        forged = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
        garbled = {**headers, "X-Slack-Request-Timestamp": "abc"}
        broken = await app.async_dispatch(AsyncBoltRequest(body=body, headers=garbled))
        await asyncio.sleep(0.3)
        assert forged.status == 401 and broken.status != 200
        assert api.calls == [] and api.response_posts == []
    finally:
        await api.close()
    logs = captured.getvalue()
    assert "MARKER-hostile-93d1" not in logs and "/response/" not in logs
    assert "slack error on an unverified request" in logs


def malformed_bodies(api: FakeSlackApi) -> list[tuple[str | bytes, str]]:
    no_actions = {**click(api, "review_share", "rev-1", "m"), "actions": []}
    wrong_user = {**click(api, "review_share", "rev-1", "m"), "user": "U0ALICE"}
    submission = {"type": "view_submission", "user": {"id": "U0ALICE"}, "view": None}
    return [
        ("payload=%7Bnot+json", FORM),
        ("[1, 2, 3]", JSON),
        ('"a string"', JSON),
        ("[" * 50_000, JSON),
        (reaction_event(None), JSON),
        (reaction_event("reaction_added"), JSON),
        (reaction_event({"type": "reaction_added", "item": "C0GENERAL"}), JSON),
        (b"command=%2Freviewoutreach&text=Hi+\xff\xfe&user_id=U0ALICE", FORM),
        (b'{"type": "event_callback", "event": {"type": "x"}, "text": "\xff"}', JSON),
        (interaction_body(no_actions), FORM),
        (interaction_body(wrong_user), FORM),
        (interaction_body(submission), FORM),
        ("payload=%5B%5D", FORM),
    ]


async def test_signed_but_malformed_bodies_get_400_and_no_traceback(
    captured: io.StringIO,
) -> None:
    async with SlackHarness() as slack:
        bodies = malformed_bodies(slack.api)
        for body, content_type in bodies:
            reply = await slack.post(body, content_type)
            assert reply.status == 400, (body[:60], reply.status, reply.text)
            assert reply.json() == {"error": "malformed request"}
        await asyncio.sleep(0.3)
        assert slack.api.calls == [] and slack.api.response_posts == []
        assert (await slack.command(DRAFT)).status == 200, "and the app still serves"
    lines = refusal_lines(captured.getvalue())
    assert 1 <= len(lines) <= 2, "the first refusal, then the rest counted at shutdown"
    assert sum(line["refused"] for line in lines) == len(bodies)
    assert all(line["status"] == 400 for line in lines) and "not_utf8" in lines[-1]["reasons"]
    assert_no_trace_of(captured.getvalue(), slack)


async def test_a_response_url_that_is_not_slacks_gets_nothing(
    captured: io.StringIO,
) -> None:
    elsewhere = await FakeSlackApi().start()
    try:
        async with SlackHarness() as slack:
            body = command_body("/reviewoutreach", DRAFT, response_url=elsewhere.response_url())
            assert (await slack.post(body, FORM)).status == 200
            [dm] = await slack.api.wait_for("chat.postMessage")
            assert dm.params["channel"] == "U0ALICE" and "blocks" in dm.params
            await asyncio.sleep(0.2)
            assert elsewhere.response_posts == [] and elsewhere.calls == []
    finally:
        await elsewhere.close()
    assert "not_a_slack_url" in captured.getvalue()
    assert elsewhere.response_url() not in captured.getvalue()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T0/1/abc", True),
        ("https://hooks.slack-gov.com/commands/T0/1/abc", True),
        ("http://hooks.slack.com/commands/T0/1/abc", False),
        ("https://hooks.slack.com.evil.example/x", False),
        ("https://hooks.slack.com@169.254.169.254/latest", False),
        ("https://hooks.slack.com:8443/x", False),
        ("http://127.0.0.1:9/response/x", False),
        ("http://localhost:8080/admin", False),
        ("https://hooks.slack.com:bad/x", False),
        ("not a url", False),
        ("", False),
    ],
)
def test_only_slacks_hosts_may_be_a_response_url(url: str, allowed: bool) -> None:
    from adapters.slack.replies import is_slack_url

    assert is_slack_url(url, "https://slack.com/api/") is allowed
    assert is_slack_url("http://127.0.0.1:9/response/x", "http://127.0.0.1:9/api/")


def test_a_library_line_with_a_body_or_a_response_url_is_withheld(
    captured: io.StringIO,
) -> None:
    library = logging.getLogger("slack_bolt.SomeMiddleware")
    hook = "https://hooks.slack.com/commands/T0/123/s3cr3tp4th"
    library.info("Invalid request (timestamp: 1, body: text=MARKER-hostile-93d1&x=1\nline two)")
    library.warning("posting to %s failed", hook)
    library.warning("form: response_url=%s", urllib.parse.quote(hook, safe=""))
    logs = captured.getvalue()
    assert "MARKER-hostile-93d1" not in logs and "line two" not in logs
    assert "s3cr3tp4th" not in logs and "body: [withheld]" in logs
