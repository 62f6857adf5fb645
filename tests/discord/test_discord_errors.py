"""Discord failures: missing permissions, unknown message, expired interaction token, 429 and
our own bugs. Each gives a short message where one can be sent, and exactly one log line."""

from __future__ import annotations

import logging

import pytest

from adapters.discord import DiscordTipPoster
from bot.models import Review
from bot.ports import PostError, PostOk, Rejected
from bot.service import ReviewService
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import (
    discord_settings,
    followups,
    interact,
    running_bot,
)
from tests.fakes.discord_payloads import APP_ID, CHANNEL_ID, GUILD_ID, reaction_add, slash_command
from tests.fakes.tips_env import TIP

DRAFT = "Hi Priya, your DataConf talk on vanity dashboards stuck with me. How did the rollout go?"
POSTS = rf"/channels/{CHANNEL_ID}/messages"
WEBHOOK = rf"/webhooks/{APP_ID}/[^/]+"


class Broken(ReviewService):
    async def review(
        self, text: str, *, platform: str = "cli", workspace: str = "", user: str = ""
    ) -> Review | Rejected:
        raise KeyError("internal detail that must not reach Discord")


def adapter_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "outreach.discord" and r.levelno >= 30]


def kinds(caplog: pytest.LogCaptureFixture) -> list[str | None]:
    """The `kind` of every adapter warning or error: one entry per logged failure."""
    return [getattr(r, "kind", None) for r in adapter_lines(caplog)]


async def react_and_wait(fake: FakeDiscord, message_id: str) -> None:
    await fake.dispatch("MESSAGE_REACTION_ADD", reaction_add(message_id))
    await fake.wait_for("GET", rf"{POSTS}/{message_id}")


async def test_cannot_read_history_explains_in_the_channel(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    settings = discord_settings(fake, outreach_reaction="on")
    target = fake.add_message(DRAFT)
    fake.fail("GET", rf"{POSTS}/\d+", status=403, code=50001, message="Missing Access")
    async with running_bot(fake, ReviewService(settings), settings):
        await react_and_wait(fake, target["id"])
        (note,) = await fake.wait_for("POST", POSTS)
    assert "Read Message History" in note.body["content"]
    assert "message_reference" not in note.body  # it could not be read, so no reply link
    assert kinds(caplog) == ["missing_access"]


async def test_no_embed_links_falls_back_to_text(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    settings = discord_settings(fake, outreach_reaction="on")
    target = fake.add_message(DRAFT)
    fake.fail("POST", POSTS, status=403, code=50013, message="Missing Permissions")
    async with running_bot(fake, ReviewService(settings), settings):
        await react_and_wait(fake, target["id"])
        embeds, text = await fake.wait_for("POST", POSTS, count=2)
    assert embeds.body["embeds"] and not text.body.get("embeds")
    assert text.body["content"].startswith("**Outreach review: ")
    assert len(text.body["content"]) <= 2000
    assert len(adapter_lines(caplog)) == 1


async def test_no_send_permission_logs_once_and_the_bot_keeps_working(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    settings = discord_settings(fake, outreach_reaction="on")
    target = fake.add_message(DRAFT)
    fake.fail("POST", POSTS, status=403, code=50013, message="Missing Permissions", times=2)
    async with running_bot(fake, ReviewService(settings), settings):
        await react_and_wait(fake, target["id"])
        await fake.wait_for("POST", POSTS, count=2)
        followup = await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))
    assert followup.body["embeds"]
    assert kinds(caplog) == ["missing_permissions"]


async def test_deleted_message_is_ignored_with_one_log_line(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    settings = discord_settings(fake, outreach_reaction="on")
    async with running_bot(fake, ReviewService(settings), settings):
        await react_and_wait(fake, "959999999999999999")  # never existed
        await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))  # a barrier
    assert fake.find("POST", POSTS) == []
    assert kinds(caplog) == ["unknown_message"]


async def test_expired_interaction_token_is_logged_not_retried(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    settings = discord_settings(fake)
    fake.fail("POST", WEBHOOK, status=404, code=10015, message="Unknown Webhook")
    async with running_bot(fake, ReviewService(settings), settings):
        expired = slash_command("reviewoutreach", {"draft": DRAFT})
        await interact(fake, expired)
        later = await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))
    assert len(followups(fake, expired["token"])) == 1  # no second attempt on a dead token
    assert later.body["embeds"]
    assert kinds(caplog) == ["interaction_expired"]


async def test_a_429_on_the_follow_up_is_waited_out_by_discord_py(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    fake.fail("POST", WEBHOOK, status=429, message="You are being rate limited.", retry_after=0.05)
    async with running_bot(fake, ReviewService(settings), settings):
        interaction = slash_command("reviewoutreach", {"draft": DRAFT})
        await fake.dispatch("INTERACTION_CREATE", interaction)
        limited, delivered = await fake.wait_for("POST", WEBHOOK, count=2)
    assert limited.body == delivered.body and delivered.body["embeds"]


async def test_our_own_bug_gives_a_short_message_and_no_traceback(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, Broken(settings), settings):
        answer = await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))
    assert answer.body["flags"] & 64
    assert answer.body["content"].startswith("Something went wrong on my side")
    sent = " ".join(str(r.body) for r in fake.requests)
    assert "Traceback" not in sent and "internal detail" not in sent
    (line,) = adapter_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info  # the traceback stays in the log
    assert getattr(line, "error", None) == "KeyError"  # the cause, not discord.py's wrapper


async def test_a_bug_in_the_reaction_path_is_one_log_line(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    settings = discord_settings(fake, outreach_reaction="on")
    target = fake.add_message(DRAFT)
    async with running_bot(fake, Broken(settings), settings):
        await react_and_wait(fake, target["id"])
        await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))  # a barrier
    assert fake.find("POST", POSTS) == []
    (line,) = adapter_lines(caplog)[:1]
    assert getattr(line, "where", None) == "event:on_raw_reaction_add"
    assert kinds(caplog) == ["internal", "internal"]  # this bug, then the barrier's own


async def test_tip_poster_maps_discord_errors_to_values(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, ReviewService(settings), settings) as bot:
        poster = DiscordTipPoster(bot)
        posted = await poster.post_tip(str(GUILD_ID), str(CHANNEL_ID), TIP)
        fake.fail("POST", POSTS, status=404, code=10003, message="Unknown Channel")
        gone = await poster.post_tip(str(GUILD_ID), str(CHANNEL_ID), TIP)
        fake.fail("POST", POSTS, status=403, code=50001, message="Missing Access")
        not_in = await poster.post_tip(str(GUILD_ID), str(CHANNEL_ID), TIP)
        fake.fail("POST", POSTS, status=429, message="Slow down", retry_after=60)
        limited = await poster.post_tip(str(GUILD_ID), str(CHANNEL_ID), TIP)  # no 60 s sleep
        bad_id = await poster.post_tip(str(GUILD_ID), "C0123SLACK", TIP)
    assert isinstance(posted, PostOk) and posted.message_ref in fake.messages
    assert fake.messages[posted.message_ref]["embeds"][0]["title"] == f"Outreach tip: {TIP.title}"
    assert isinstance(gone, PostError) and gone.kind == "channel_gone"
    assert isinstance(not_in, PostError) and not_in.kind == "not_in_channel"
    assert isinstance(limited, PostError) and limited.kind == "rate_limited"
    assert limited.retry_after == 60
    assert isinstance(bad_id, PostError) and bad_id.kind == "channel_gone"
    assert all(r.body["allowed_mentions"] == {"parse": []} for r in fake.find("POST", POSTS))
