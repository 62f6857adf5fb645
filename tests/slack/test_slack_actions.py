"""Buttons on a review, `/outreachtips`, and the Slack `TipPoster`."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.slack import SlackTipPoster, build_client
from bot.ports import PostError, PostOk, RenderedTip, TipsReply
from bot.settings import Settings
from tests.fakes.memory_store import MemoryStore
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import (
    SlackHarness,
    StubGrader,
    StubTips,
    click,
    review_id_of,
)

DRAFT = "Hi Priya, SECRETWORD is our stealth launch and I'd love a demo slot."
TIP = RenderedTip(
    "t1",
    "about_them",
    "Lead with them",
    "Open with them",
    "Say <!here> less",
    "I'm the CEO",
    "Your talk on <dashboards> & teams",
)


async def test_share_posts_the_review_not_the_draft_attributed_to_the_requester() -> None:
    async with SlackHarness(grader=StubGrader(rich=True)) as slack:
        posted = await slack.private_review(DRAFT)
        assert "SECRETWORD" in json.dumps(posted)
        reply = await slack.interact(
            click(slack.api, "review_share", review_id_of(posted), "share")
        )
        assert reply.status == 200
        [share] = await slack.api.wait_for("chat.postMessage")
        assert share.params["channel"] == "C0GENERAL"
        shared = json.dumps(share.params["blocks"]) + share.params["text"]
        assert "SECRETWORD" not in shared and "<@U0ALICE>" in shared
        assert share.params["blocks"][0]["type"] == "header"
        [note] = await slack.api.wait_for_post("share")
        assert "not your draft" in note["text"]


async def test_show_rewrite_only_when_there_is_one() -> None:
    async with SlackHarness(
        grader=StubGrader(rich=True, rewrite="Hi Priya, <!channel> loved it")
    ) as slack:
        posted = await slack.private_review(DRAFT)
        ids = [e["action_id"] for e in posted["blocks"][-1]["elements"]]
        assert "review_rewrite" in ids
        await slack.interact(click(slack.api, "review_rewrite", review_id_of(posted), "rw"))
        [shown] = await slack.api.wait_for_post("rw")
        assert shown["response_type"] == "ephemeral"
        rendered = json.dumps(shown["blocks"])
        assert "loved it" in rendered and "<!channel>" not in rendered
    async with SlackHarness(grader=StubGrader(rich=True)) as slack:
        posted = await slack.private_review(DRAFT)
        ids = [e["action_id"] for e in posted["blocks"][-1]["elements"]]
        assert "review_rewrite" not in ids


async def test_votes_are_recorded_without_draft_text_and_forgotten_reviews_explained() -> None:
    store = MemoryStore()
    async with SlackHarness(grader=StubGrader(rich=True), store=store) as slack:
        posted = await slack.private_review(DRAFT)
        review_id = review_id_of(posted)
        await slack.interact(click(slack.api, "review_vote_up", review_id, "up"))
        await slack.interact(click(slack.api, "review_vote_down", review_id, "down"))
        await slack.api.wait_for_post("up")
        await slack.api.wait_for_post("down")
        assert [(f[0], f[1], f[3]) for f in store.feedback] == [
            (review_id, "up", "slack"),
            (review_id, "down", "slack"),
        ]
        assert "SECRETWORD" not in repr(store.feedback)
        assert set(store.feedback[0][2].values()) == {"warn"}
        await slack.interact(click(slack.api, "review_share", "0000deadbeef", "gone"))
        [note] = await slack.api.wait_for_post("gone")
        assert "no longer have that review" in note["text"]


async def test_tips_command_maps_onto_the_tips_commands() -> None:
    tips = StubTips(TipsReply("Subscribed: Mondays at 09:00 <UTC>.", ephemeral=False))
    async with SlackHarness(tips=tips) as slack:
        assert (
            await slack.command("subscribe mon 09:00 UTC", command="/outreachtips")
        ).status == 200
        [public] = await slack.api.wait_for_post("r1")
        ctx, args = tips.calls[0]
        assert (ctx.platform, ctx.workspace, ctx.channel, ctx.user) == (
            "slack",
            "T0TEAM",
            "C0GENERAL",
            "U0ALICE",
        )
        assert args == "subscribe mon 09:00 UTC"
        assert public["response_type"] == "in_channel" and "&lt;UTC&gt;" in public["text"]
        tips.reply = TipsReply("The next tip (only you can see this):", tip=TIP)
        await slack.command("preview", command="/outreachtips", response="p")
        [preview] = await slack.api.wait_for_post("p")
        assert preview["response_type"] == "ephemeral"
        assert any(
            b["type"] == "header" and "Open with them" in b["text"]["text"]
            for b in preview["blocks"]
        )
        assert "<!here>" not in json.dumps(preview)


async def test_tips_through_the_real_tips_commands_and_sqlite_store(tmp_path: Path) -> None:
    from bot.store import open_store
    from bot.tips import TipsCommands, load_library

    store = open_store(f"sqlite:///{tmp_path / 'tips.db'}")
    settings = Settings(outreach_tips_tz="UTC")
    try:

        def factory(poster: SlackTipPoster) -> TipsCommands:
            return TipsCommands(store, load_library(), {"slack": poster}, settings)

        async with SlackHarness(tips_factory=factory, store=store) as slack:
            await slack.command("subscribe fri 17:30 Europe/Berlin", command="/outreachtips")
            [subscribed] = await slack.api.wait_for_post("r1")
            assert subscribed["response_type"] == "in_channel"
            assert "Subscribed" in subscribed["text"]
            await slack.command("now", command="/outreachtips", response="now")
            [posted] = await slack.api.wait_for("chat.postMessage")
            assert posted.params["channel"] == "C0GENERAL"
            assert posted.params["blocks"][0]["type"] == "header"
            [said] = await slack.api.wait_for_post("now")
            assert "Posted a tip here" in said["text"]
            await slack.command("status", command="/outreachtips", response="st")
            [status] = await slack.api.wait_for_post("st")
            assert "Next tip" in status["text"] and status["response_type"] == "ephemeral"
    finally:
        store.close()


async def test_tip_poster_posts_blocks_and_maps_errors_to_typed_values() -> None:
    api = await FakeSlackApi().start()
    try:
        settings = Settings(slack_bot_token="xoxb-test", slack_api_url=api.url)
        poster = SlackTipPoster(build_client(settings))
        ok = await poster.post_tip("T0TEAM", "C0TIPS", TIP)
        assert isinstance(ok, PostOk) and ok.message_ref.startswith("C0TIPS:")
        [call] = api.calls_to("chat.postMessage")
        assert call.token == "xoxb-test" and call.params["text"].startswith("Outreach tip")
        expected = {
            "not_in_channel": "not_in_channel",
            "channel_not_found": "channel_gone",
            "is_archived": "channel_gone",
            "missing_scope": "forbidden",
            "fatal_error": "other",
        }
        for error, kind in expected.items():
            api.fail("chat.postMessage", error)
            result = await poster.post_tip("T0TEAM", "C0TIPS", TIP)
            assert isinstance(result, PostError) and (result.kind, result.detail) == (kind, error)
        api.fail("chat.postMessage", "ratelimited", status=429, retry_after=0, times=3)
        limited = await poster.post_tip("T0TEAM", "C0TIPS", TIP)
        assert isinstance(limited, PostError) and limited.kind == "rate_limited"
        assert limited.retry_after == 0
    finally:
        await api.close()
