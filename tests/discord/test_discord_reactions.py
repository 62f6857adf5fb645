"""Review-by-reaction: 🔍 on a message → fetch it → reply with the review, exactly once per
message under repeated reactions and across two replicas sharing one database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.service import ReviewService
from bot.store import open_store
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import (
    discord_settings,
    running_bot,
)
from tests.fakes.discord_payloads import (
    BOT_USER_ID,
    CHANNEL_ID,
    GUILD_ID,
    channel_payload,
    reaction_add,
    user_payload,
)

DRAFT = "Hi Priya, your DataConf talk on vanity dashboards stuck with me. How did the rollout go?"
POSTS = rf"/channels/{CHANNEL_ID}/messages"
QUIET = 0.2  # how long "nothing else happens" is watched for


async def react(fake: FakeDiscord, message_id: str, emoji: str = "🔍", **kw: int) -> None:
    await fake.dispatch("MESSAGE_REACTION_ADD", reaction_add(message_id, emoji, **kw))


def fetches(fake: FakeDiscord, message_id: str) -> int:
    return len(fake.find("GET", rf"/channels/{CHANNEL_ID}/messages/{message_id}"))


async def test_reaction_replies_with_the_review_once_despite_repeats(fake: FakeDiscord) -> None:
    settings = discord_settings(fake, outreach_reaction="mag")  # Slack's name for 🔍
    target = fake.add_message(DRAFT)
    async with running_bot(fake, ReviewService(settings), settings):
        for user in (1, 2, 3):
            await react(fake, target["id"], user_id=user)
        await fake.wait_for("GET", rf"/channels/{CHANNEL_ID}/messages/{target['id']}", count=3)
        await fake.wait_for("POST", POSTS)
        await react(fake, target["id"])  # later, once more
        await asyncio.sleep(QUIET)
    (reply,) = fake.find("POST", POSTS)
    assert reply.body["message_reference"] == {
        "type": 0,  # a reply
        "message_id": int(target["id"]),
        "channel_id": CHANNEL_ID,
        "guild_id": GUILD_ID,
        "fail_if_not_exists": False,
    }
    assert reply.body["embeds"][0]["title"].startswith("Outreach review")
    assert reply.body["allowed_mentions"] == {"parse": []}  # replied_user defaults to off
    actions = [c["custom_id"].split(":")[1] for c in reply.body["components"][0]["components"]]
    assert actions == ["up", "down"]  # already public: no "Share in channel"


async def test_two_replicas_on_one_database_post_once(fake: FakeDiscord, tmp_path: Path) -> None:
    settings = discord_settings(fake, outreach_reaction="🔍")
    store = open_store(f"sqlite:///{tmp_path / 'shared.db'}")
    target = fake.add_message(DRAFT)
    try:
        async with (
            running_bot(fake, ReviewService(settings, store=store), settings),
            running_bot(fake, ReviewService(settings, store=store), settings),
        ):
            await react(fake, target["id"])  # both gateway connections receive it
            await fake.wait_for("GET", rf"/channels/{CHANNEL_ID}/messages/{target['id']}", count=2)
            await fake.wait_for("POST", POSTS)
            await asyncio.sleep(QUIET)
    finally:
        store.close()
    assert len(fake.find("POST", POSTS)) == 1


async def test_other_emoji_bots_and_the_trigger_being_off_are_ignored(fake: FakeDiscord) -> None:
    settings = discord_settings(fake, outreach_reaction="on")
    draft = fake.add_message(DRAFT)
    from_a_bot = fake.add_message(DRAFT, author=user_payload(42, name="otherbot", bot=True))
    async with running_bot(fake, ReviewService(settings), settings):
        await react(fake, draft["id"], "👍")
        await react(fake, draft["id"], user_id=BOT_USER_ID)  # the bot's own reaction
        await react(fake, from_a_bot["id"])
        await fake.wait_for("GET", rf"/channels/{CHANNEL_ID}/messages/{from_a_bot['id']}")
        await asyncio.sleep(QUIET)
    assert fetches(fake, draft["id"]) == 0
    assert fake.find("POST", POSTS) == []

    off = discord_settings(fake, outreach_reaction="off")
    async with running_bot(fake, ReviewService(off), off):
        await react(fake, draft["id"])
        await asyncio.sleep(QUIET)
    assert fetches(fake, draft["id"]) == 0


async def test_an_empty_message_gets_a_short_explanation(fake: FakeDiscord) -> None:
    settings = discord_settings(fake, outreach_reaction="on")
    image_only = fake.add_message("")
    async with running_bot(fake, ReviewService(settings), settings):
        await react(fake, image_only["id"])
        (reply,) = await fake.wait_for("POST", POSTS)
    assert "no text to review" in reply.body["content"]
    assert "embeds" not in reply.body or not reply.body["embeds"]


async def test_review_channels_name_a_channel_by_id_or_name_and_cover_its_threads(
    fake: FakeDiscord,
) -> None:
    outreach, general, thread = CHANNEL_ID, CHANNEL_ID + 1, CHANNEL_ID + 2
    settings = discord_settings(
        fake, outreach_reaction="🔍", outreach_review_channels=f"#Outreach,{general + 7}"
    )
    posted = {c: fake.add_message(DRAFT, channel_id=c) for c in (outreach, general, thread)}
    async with running_bot(fake, ReviewService(settings), settings) as bot:
        await fake.dispatch("GUILD_CREATE", guild_with({outreach: "outreach", general: "general"}))
        await until(lambda: bot.get_channel(thread) is not None)
        for channel, message in posted.items():
            await react(fake, message["id"], channel_id=channel)
        await fake.wait_for("POST", rf"/channels/({outreach}|{thread})/messages", count=2)
        await asyncio.sleep(QUIET)
    assert fake.find("GET", rf"/channels/{general}/messages/.*") == []
    assert fake.find("POST", rf"/channels/{general}/messages") == []


def guild_with(channels: dict[int, str]) -> dict[str, object]:
    """A GUILD_CREATE with these text channels and one thread in the first of them."""
    parent = next(iter(channels))
    return {
        "id": str(GUILD_ID),
        "name": "Outreach club",
        "unavailable": False,
        "owner_id": str(BOT_USER_ID),
        "roles": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "member_count": 2,
        "members": [],
        "voice_states": [],
        "presences": [],
        "channels": [
            {**channel_payload(channel_id), "name": name} for channel_id, name in channels.items()
        ],
        "threads": [
            {
                "id": str(parent + 2),
                "guild_id": str(GUILD_ID),
                "parent_id": str(parent),
                "owner_id": str(BOT_USER_ID),
                "name": "a draft for Priya",
                "type": 11,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "message_count": 1,
                "member_count": 1,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": "2024-01-01T00:00:00+00:00",
                    "locked": False,
                },
            }
        ],
    }


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
