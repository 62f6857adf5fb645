"""Review by reaction: fetch the message, reply in its thread, exactly once per message."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.memory_store import MemoryStore
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import SlackHarness
from tests.fakes.slack_payloads import reaction
from tests.fakes.tips_env import backend_url

DRAFT = "Hi Sam, your talk on onboarding at DataConf stuck with me. How did you get buy-in?"


async def settle(seconds: float = 0.3) -> None:
    """Let lazy work that should NOT post anything run its course."""
    await asyncio.sleep(seconds)


async def test_reaction_posts_the_review_in_the_thread() -> None:
    async with SlackHarness() as slack:
        message = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        reply = await slack.event(reaction(message["ts"]), event_id="Ev1")
        assert reply.status == 200 and reply.seconds < 3
        [post] = await slack.api.wait_for("chat.postMessage")
        history = slack.api.calls_to("conversations.history")[0].params
        assert history["channel"] == "C0GENERAL" and history["latest"] == message["ts"]
        assert post.params["channel"] == "C0GENERAL"
        assert post.params["thread_ts"] == message["ts"]
        assert post.params["blocks"][0]["type"] == "header" and post.params["text"]
        actions = [e["action_id"] for e in post.params["blocks"][-1]["elements"]]
        assert "review_share" not in actions, "a thread reply is already public"


async def test_duplicates_retries_and_a_second_reaction_post_once() -> None:
    async with SlackHarness() as slack:
        message = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        first = await slack.event(reaction(message["ts"]), event_id="Ev1")
        retry = await slack.event(reaction(message["ts"]), event_id="Ev1", retry_num=1)
        other = await slack.event(reaction(message["ts"], user="U0CAROL"), event_id="Ev2")
        assert {first.status, retry.status, other.status} == {200}
        await slack.api.wait_for("chat.postMessage")
        await settle()
        assert len(slack.api.calls_to("chat.postMessage")) == 1


async def test_two_replicas_sharing_a_store_post_once() -> None:
    api = await FakeSlackApi().start()
    store = MemoryStore()
    try:
        async with (
            SlackHarness(api=api, store=store) as one,
            SlackHarness(api=api, store=store) as two,
        ):
            message = api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
            replies = await asyncio.gather(
                one.event(reaction(message["ts"]), event_id="Ev1"),
                two.event(reaction(message["ts"]), event_id="Ev1", retry_num=1),
            )
            assert [r.status for r in replies] == [200, 200]
            await api.wait_for("chat.postMessage")
            await settle()
            assert len(api.calls_to("chat.postMessage")) == 1
            assert len(api.calls_to("conversations.history")) == 2, "both replicas did try"
    finally:
        await api.close()


async def test_a_thread_reply_is_fetched_with_replies_and_answered_in_its_thread() -> None:
    async with SlackHarness() as slack:
        parent = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": "Draft inside"})
        child = slack.api.add_message(
            "C0GENERAL", {"user": "U0BOB", "text": DRAFT, "thread_ts": parent["ts"]}
        )
        await slack.event(reaction(child["ts"]), event_id="Ev1")
        [post] = await slack.api.wait_for("chat.postMessage")
        [replies] = slack.api.calls_to("conversations.replies")
        assert replies.params["ts"] == child["ts"]
        assert post.params["thread_ts"] == parent["ts"]


async def test_other_emoji_other_channels_and_off_are_ignored() -> None:
    async with SlackHarness(outreach_review_channels="C0ALLOWED") as slack:
        outside = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        inside = slack.api.add_message("C0ALLOWED", {"user": "U0BOB", "text": DRAFT})
        await slack.event(reaction(outside["ts"]), event_id="Ev1")
        await slack.event(reaction(inside["ts"], channel="C0ALLOWED", name="tada"), event_id="Ev2")
        await settle()
        assert slack.api.calls_to("chat.postMessage") == []
        await slack.event(reaction(inside["ts"], channel="C0ALLOWED"), event_id="Ev3")
        await slack.api.wait_for("chat.postMessage")
    async with SlackHarness(outreach_reaction="off") as slack:
        message = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        await slack.event(reaction(message["ts"]), event_id="Ev1")
        await settle()
        assert slack.api.calls_to("conversations.history") == []
        assert slack.api.calls_to("chat.postMessage") == []
    async with SlackHarness(outreach_reaction=":eyes:") as slack:
        message = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        await slack.event(reaction(message["ts"], name="eyes"), event_id="Ev1")
        await slack.api.wait_for("chat.postMessage")


async def test_bot_empty_and_file_only_messages_never_crash() -> None:
    async with SlackHarness() as slack:
        bot: dict[str, Any] = {"bot_id": "B1", "subtype": "bot_message", "text": DRAFT}
        files: dict[str, Any] = {"user": "U0BOB", "text": "", "files": [{"id": "F1"}]}
        bot_ts = slack.api.add_message("C0GENERAL", bot)["ts"]
        files_ts = slack.api.add_message("C0GENERAL", files)["ts"]
        assert (await slack.event(reaction(bot_ts), event_id="Ev1")).status == 200
        assert (await slack.event(reaction(files_ts), event_id="Ev2")).status == 200
        assert (await slack.event(reaction("1.000000"), event_id="Ev3")).status == 200
        [note] = await slack.api.wait_for("chat.postEphemeral")
        assert note.params["user"] == "U0ALICE" and "only has files" in note.params["text"]
        await settle()
        assert slack.api.calls_to("chat.postMessage") == []
        assert len(slack.api.calls_to("chat.postEphemeral")) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_two_replicas_on_the_real_store_post_once(backend: str, tmp_path: Path) -> None:
    from bot.store import open_store

    api = await FakeSlackApi().start()
    with backend_url(backend, tmp_path) as url:
        first, second = open_store(url), open_store(url)
        try:
            async with (
                SlackHarness(api=api, store=first) as one,
                SlackHarness(api=api, store=second) as two,
            ):
                message = api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
                for event_id, retry in (("Ev1", None), ("Ev1", 1), ("Ev2", None)):
                    await asyncio.gather(
                        one.event(reaction(message["ts"]), event_id=event_id, retry_num=retry),
                        two.event(reaction(message["ts"]), event_id=event_id, retry_num=retry),
                    )
                await api.wait_for("chat.postMessage")
                await settle()
                assert len(api.calls_to("chat.postMessage")) == 1
        finally:
            first.close()
            second.close()
            await api.close()


def test_an_emoji_slack_has_no_name_for_is_warned_about_at_start_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from adapters.slack.deps import SlackDeps
    from bot.service import ReviewService
    from bot.settings import Settings

    for setting, warned in (("🦩", True), ("👀", False), (":partyparrot:", False)):
        caplog.clear()
        settings = Settings(outreach_reaction=setting)
        SlackDeps.build(ReviewService(settings), settings, client=None)  # type: ignore[arg-type]
        assert ("no Slack name" in caplog.text) == warned, setting
