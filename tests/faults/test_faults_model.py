"""Model faults seen from Slack: down, hanging or talking nonsense, the user still gets a
review by the rules, on time, saying why — through the real grader, the real openai SDK
and the real Slack app in HTTP mode."""

from __future__ import annotations

import json
import time

import pytest

from bot.llm import build_grader
from bot.settings import Settings
from tests.fakes.model_answers import DRAFT as LLM_DRAFT
from tests.fakes.model_answers import answer
from tests.fakes.openai_server import FakeOpenAI, Step, ok
from tests.fakes.slack_harness import SlackHarness
from tests.helpers import free_port

DRAFT = (
    "Hi Sam, your talk on onboarding at DataConf stuck with me, especially the part about "
    "first-week buddies. How did you get the managers to buy in?"
)

TIMEOUT_S = 1.5  # OUTREACH_LLM_TIMEOUT for these tests: the whole model budget


def model_settings(base_url: str) -> Settings:
    return Settings(
        openai_api_key="sk-fault-test",
        openai_base_url=base_url,
        outreach_llm="on",
        outreach_llm_model="fake-model",
        outreach_llm_timeout=TIMEOUT_S,
        outreach_cache_ttl=0,
    )


async def review_through_slack(base_url: str) -> tuple[float, float, str]:
    """(ack seconds, seconds until the review reached response_url, its blocks as JSON)."""
    grader = build_grader(model_settings(base_url))
    assert grader is not None
    async with SlackHarness(grader=grader, outreach_llm="on") as slack:
        started = time.monotonic()
        reply = await slack.command(DRAFT)
        [posted] = await slack.api.wait_for_post("r1", timeout=TIMEOUT_S + 5)
        delivered = time.monotonic() - started
    await grader.aclose()
    assert reply.status == 200
    return reply.seconds, delivered, json.dumps(posted["blocks"])


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("down", "the model provider had an error"),
        ("hanging", "the model did not answer in time"),
        ("garbage", "the model's answer was unusable"),
    ],
)
async def test_a_broken_model_still_gives_a_rules_review_on_time(
    openai: FakeOpenAI, fault: str, reason: str
) -> None:
    if fault == "down":
        base_url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    else:
        base_url = openai.base_url
        openai.always(Step(hang=True) if fault == "hanging" else ok("Sure! Here is my review:"))
    ack, delivered, blocks = await review_through_slack(base_url)
    assert ack < 1.0, "the command is acknowledged at once, whatever the model does"
    assert delivered < TIMEOUT_S + 1.5, "the review arrives within the model's budget"
    assert "Graded by the built-in rules" in blocks
    assert reason in blocks
    assert '"type": "header"' in blocks, "a full review, not an error note"
    if fault != "down":
        assert openai.requests, "the model was really asked"


async def test_after_a_garbage_answer_the_next_draft_is_graded_by_the_model(
    openai: FakeOpenAI,
) -> None:
    """No stuck state: one unusable answer (and its repair) costs one draft, not the model."""
    grader = build_grader(model_settings(openai.base_url))
    assert grader is not None
    try:
        async with SlackHarness(grader=grader, outreach_llm="on") as slack:
            openai.script(ok("{not json"), ok("{still not json"), ok(answer()))
            await slack.command(LLM_DRAFT, response="bad")
            [first] = await slack.api.wait_for_post("bad", timeout=TIMEOUT_S + 5)
            await slack.command(LLM_DRAFT, response="good")
            [second] = await slack.api.wait_for_post("good", timeout=TIMEOUT_S + 5)
        assert "Graded by the built-in rules" in json.dumps(first["blocks"])
        assert "Graded by the model" in json.dumps(second["blocks"])
    finally:
        await grader.aclose()
