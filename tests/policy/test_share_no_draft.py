""" "Share in channel" publishes the review, never the draft, on Slack and on Discord: not its
quotes, not the rewrite, not what the model wrote about it (which may repeat it). Graded by
the rules and by the real model grader (the openai client against the fake server), whose
messages, questions and rewrite all repeat the draft."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.llm import build_grader
from bot.ports import Grader
from bot.service import ReviewService
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import discord_settings, interact, running_bot
from tests.fakes.discord_payloads import button_click, custom_ids, slash_command
from tests.fakes.model_answers import judgement, settings_for
from tests.fakes.openai_server import FakeOpenAI, ok
from tests.fakes.slack_harness import SlackHarness, click, review_id_of

MARKER = "Quillmarker"
DRAFT = (
    f"@everyone I am the founder of {MARKER}, an award-winning platform that helps companies "
    f"like yours. {MARKER} would love to show @everyone a demo. Free for a call?"
)
OPENING = f"@everyone I am the founder of {MARKER}"


def draft_echoing_answer() -> dict[str, Any]:
    """A model answer that quotes the draft and repeats it in every free-text field."""
    echo = {"quote": OPENING, "message": f"“{OPENING}” is about you.", "suggestion": OPENING}
    about = judgement("fail") | {"findings": [echo]}
    return {
        "kind": "cold",
        "principles": {
            "about_them": about,
            "no_pitch": judgement("fail", f"{MARKER} would love to show @everyone a demo"),
            "specific": judgement("warn", OPENING),
            "clear_reason": judgement("fail", "Free for a call?"),
            "owns_the_gap": judgement("n/a"),
            "asks_questions": judgement("fail", "Free for a call?"),
        },
        "questions": [f"Why would @everyone care about {MARKER}?", "What are they working on?"],
        "score": 20,
        "verdict": "rewrite",
        "rewrite": f"Hi @everyone, {MARKER} here.",
    }


@pytest.fixture(params=["rules", "model"])
async def grader(request: pytest.FixtureRequest) -> AsyncIterator[Grader | None]:
    if request.param == "rules":
        yield None
        return
    server = await FakeOpenAI().start()
    server.always(ok(draft_echoing_answer()))
    built = build_grader(settings_for(server))
    yield built
    if built is not None:
        await built.aclose()
    await server.aclose()


def assert_no_draft(sent: str) -> None:
    assert MARKER not in sent and "@everyone" not in sent


async def test_slack_share_carries_no_draft_text(grader: Grader | None) -> None:
    async with SlackHarness(grader=grader) as slack:
        await slack.command(DRAFT, response="private")
        [private] = await slack.api.wait_for_post("private")
        assert MARKER in json.dumps(private), "the private review does quote the draft"
        assert ("Graded by the model" in json.dumps(private)) == (grader is not None)
        calls, posts = len(slack.api.calls), len(slack.api.response_posts)
        await slack.interact(click(slack.api, "review_share", review_id_of(private), "share"))
        [share] = await slack.api.wait_for("chat.postMessage")
        await slack.api.wait_for_post("share")
        assert json.dumps(share.params["blocks"]).count('"section"') >= 6, "the review is shared"
        sent = [c.params for c in slack.api.calls[calls:]] + slack.api.response_posts[posts:]
        assert_no_draft(json.dumps(sent, ensure_ascii=False))


async def test_discord_share_carries_no_draft_text(
    fake: FakeDiscord, grader: Grader | None
) -> None:
    settings = discord_settings(fake)
    service = ReviewService(settings, grader=grader)
    async with running_bot(fake, service, settings):
        private = await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))
        assert MARKER in json.dumps(private.body), "the private review does quote the draft"
        assert ("Graded by the model" in json.dumps(private.body)) == (grader is not None)
        message = next(m for m in fake.messages.values() if m["embeds"] == private.body["embeds"])
        share = next(c for c in custom_ids(message) if c.startswith("outreach:share:"))
        before = len(fake.requests)
        shared = await interact(fake, button_click(share, message), followup=False)
        assert len(shared.body["data"]["embeds"][0]["fields"]) >= 6, "the review is shared"
        sent = [(r.path, r.body) for r in fake.requests[before:]]
    assert_no_draft(json.dumps(sent, ensure_ascii=False))
