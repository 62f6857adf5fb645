"""The Slack app served for real in HTTP mode: signed requests in, real slack_sdk calls out."""

from __future__ import annotations

import asyncio
import json
import time

from bot.ports import Rejected
from tests.fakes.limits import assert_blocks_within_limits, block_texts
from tests.fakes.slack_harness import SlackHarness, StubGrader
from tests.fakes.slack_payloads import command_body

DRAFT = "Hi Sam, I loved your talk on onboarding at DataConf. What made the new flow stick?"


def modal_submission(text: str, metadata: str) -> dict[str, object]:
    return {
        "type": "view_submission",
        "team": {"id": "T0TEAM", "domain": "test"},
        "user": {"id": "U0ALICE", "name": "alice", "team_id": "T0TEAM"},
        "api_app_id": "A0APP",
        "token": "legacy",
        "trigger_id": "1.2.trig",
        "view": {
            "id": "V0VIEW",
            "type": "modal",
            "callback_id": "review_modal",
            "private_metadata": metadata,
            "blocks": [],
            "state": {"values": {"draft": {"text": {"type": "plain_text_input", "value": text}}}},
        },
    }


async def test_command_acks_at_once_while_the_model_hangs_then_reviews() -> None:
    gate = asyncio.Event()
    async with SlackHarness(grader=StubGrader(gate=gate)) as slack:
        reply = await asyncio.wait_for(slack.command(DRAFT), timeout=3.0)
        assert reply.status == 200 and reply.seconds < 3.0
        assert "Reviewing" in reply.text
        await asyncio.sleep(0.2)
        assert slack.api.posts_to("r1") == [], "nothing may arrive before the model answers"
        gate.set()
        [posted] = await slack.api.wait_for_post("r1")
        assert posted["response_type"] == "ephemeral"
        assert posted["blocks"][0]["type"] == "header"
        assert "/100" in posted["blocks"][0]["text"]["text"]
        assert posted["text"].startswith("Outreach review:")
        assert_blocks_within_limits(posted["blocks"])


async def test_help_answers_in_the_ack_with_principles_and_commands() -> None:
    async with SlackHarness() as slack:
        reply = await slack.command("help")
        assert reply.status == 200
        body = reply.json()
        assert "/outreachtips" in body["text"] and ":mag:" in body["text"]
        await asyncio.sleep(0.1)
        assert slack.api.response_posts == [] and not slack.api.calls_to("views.open")


async def test_empty_command_opens_the_modal_and_the_submission_is_reviewed() -> None:
    async with SlackHarness() as slack:
        reply = await slack.command("   ")
        assert reply.status == 200 and reply.text == ""
        [call] = await slack.api.wait_for("views.open")
        assert call.params["trigger_id"] == "1.2.trig"
        view = call.params["view"]
        assert view["callback_id"] == "review_modal"
        assert view["blocks"][0]["element"]["max_length"] == 3000
        empty = await slack.interact(modal_submission("  ", view["private_metadata"]))
        assert empty.status == 200 and empty.json()["response_action"] == "errors"
        done = await slack.interact(
            modal_submission("Hi Sam,\nline two\nline three", view["private_metadata"])
        )
        assert done.status == 200 and done.text == ""
        [posted] = await slack.api.wait_for_post("r1")
        assert posted["blocks"][0]["type"] == "header"


async def test_channel_mentions_in_a_draft_never_notify() -> None:
    async with SlackHarness(grader=StubGrader(rich=True)) as slack:
        # what Slack sends when someone types a literal "<!channel> & <@U123>" in the command
        await slack.command("Hi &lt;!channel&gt; &amp; &lt;@U123&gt;, I'm the founder")
        [posted] = await slack.api.wait_for_post("r1")
        rendered = json.dumps(posted)
        assert "<!channel>" not in rendered and "<@U123>" not in rendered
        assert "&lt;!channel&gt;" in rendered and "&amp;" in rendered
        metadata = json.dumps({"channel": "C1", "response_url": slack.api.response_url("m")})
        await slack.interact(modal_submission("Hey <!here> <!channel> <@U999>", metadata))
        [posted] = await slack.api.wait_for_post("m")
        assert "<!here>" not in json.dumps(posted) and "<@U999>" not in json.dumps(posted)


async def test_ten_thousand_character_draft_with_many_findings_fits_slack() -> None:
    draft = ("I'm the founder & CEO of <Acme>, an award-winning platform. " * 200)[:10_000]
    async with SlackHarness(grader=StubGrader(rich=True, rewrite=draft)) as slack:
        metadata = json.dumps({"channel": "C1", "response_url": slack.api.response_url("big")})
        reply = await slack.interact(modal_submission(draft, metadata))
        assert reply.status == 200
        [posted] = await slack.api.wait_for_post("big")
        assert_blocks_within_limits(posted["blocks"])
        assert any("…" in t for t in block_texts(posted["blocks"]))
        assert len(posted["text"]) <= 3000


async def test_message_shortcut_reviews_without_reading_history() -> None:
    async with SlackHarness() as slack:
        payload = {
            "type": "message_action",
            "callback_id": "review_outreach_draft",
            "team": {"id": "T0TEAM"},
            "user": {"id": "U0ALICE"},
            "channel": {"id": "C0GENERAL"},
            "message": {"type": "message", "user": "U0BOB", "ts": "1.1", "text": DRAFT},
            "response_url": slack.api.response_url("sc"),
            "trigger_id": "1.2.trig",
            "token": "legacy",
            "api_app_id": "A0APP",
            "message_ts": "1.1",
        }
        assert (await slack.interact(payload)).status == 200
        [posted] = await slack.api.wait_for_post("sc")
        assert posted["response_type"] == "ephemeral" and posted["blocks"][0]["type"] == "header"
        assert not slack.api.calls_to("conversations.history")
        cases: list[tuple[str, dict[str, object], str]] = [
            ("bot", {"bot_id": "B1", "text": "automated", "ts": "1.2"}, "posted by an app"),
            ("files", {"text": "", "files": [{"id": "F1"}], "ts": "1.3"}, "only has files"),
        ]
        for name, message, expected in cases:
            await slack.interact(
                {**payload, "message": message, "response_url": slack.api.response_url(name)}
            )
            [note] = await slack.api.wait_for_post(name)
            assert expected in note["text"] and "blocks" not in note


async def test_bad_signature_and_stale_timestamp_are_refused() -> None:
    async with SlackHarness() as slack:
        body = command_body("/reviewoutreach", DRAFT, response_url=slack.api.response_url())
        form = "application/x-www-form-urlencoded"
        wrong = await slack.post(body, form, secret="not-the-secret")
        stale = await slack.post(body, form, timestamp=int(time.time()) - 6 * 60)
        assert (wrong.status, stale.status) == (401, 401)
        await asyncio.sleep(0.1)
        assert slack.api.response_posts == [] and slack.api.calls == []


async def test_a_refused_review_shows_the_services_message() -> None:
    async def refuse(text: str, **_: str) -> Rejected:
        return Rejected("rate_limited", "You've asked for 20 reviews this minute <slow down>.")

    async with SlackHarness() as slack:
        slack.service.review = refuse  # type: ignore[method-assign]
        await slack.command(DRAFT)
        [note] = await slack.api.wait_for_post("r1")
        assert note["text"] == "You've asked for 20 reviews this minute &lt;slow down&gt;."
        assert "blocks" not in note


async def test_shutdown_lets_an_in_flight_review_finish() -> None:
    gate = asyncio.Event()
    async with SlackHarness(grader=StubGrader(gate=gate)) as slack:
        await slack.command(DRAFT)
        stopping = asyncio.create_task(slack.server.stop(grace=5))
        await asyncio.sleep(0.2)
        assert not stopping.done(), "stop must wait for the review in flight"
        gate.set()
        await asyncio.wait_for(stopping, timeout=5)
        [posted] = slack.api.posts_to("r1")
        assert posted["blocks"][0]["type"] == "header"
