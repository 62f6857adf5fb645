"""/outreachtips: restricted to channel managers by default, mapped onto the platform-neutral
tips commands, answers private or public as the core says, and the real tips + SQLite flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord

from bot.ports import ChannelContext, TipPoster, TipsReply
from bot.service import ReviewService
from bot.store import open_store
from bot.tips import TipsCommands, load_library
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import (
    discord_settings,
    followups,
    interact,
    running_bot,
)
from tests.fakes.discord_payloads import APP_ID, CHANNEL_ID, GUILD_ID, USER_ID, slash_command
from tests.fakes.tips_env import TIP

EPHEMERAL = 64


class StubTips:
    def __init__(self, reply: TipsReply) -> None:
        self.reply = reply
        self.calls: list[tuple[ChannelContext, str]] = []

    async def handle(self, ctx: ChannelContext, args: str) -> TipsReply:
        self.calls.append((ctx, args))
        return self.reply


def tips_command(subcommand: str, **options: str) -> dict[str, Any]:
    return slash_command("outreachtips", options, subcommand=subcommand)


async def test_tips_command_is_for_channel_managers_and_guilds_only(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, ReviewService(settings), settings):
        pass
    (sync,) = fake.find("PUT", rf"/applications/{APP_ID}/commands")
    tips = next(c for c in sync.body if c["name"] == "outreachtips")
    manage_channels = discord.Permissions(manage_channels=True).value
    assert int(tips["default_member_permissions"]) == manage_channels
    assert tips["dm_permission"] is False
    assert {o["name"] for o in tips["options"]} == {
        "subscribe",
        "unsubscribe",
        "status",
        "now",
        "preview",
    }
    review = next(c for c in sync.body if c["name"] == "reviewoutreach")
    assert review["default_member_permissions"] is None  # reviews are for everyone


async def test_subscribe_passes_the_channel_and_options_and_answers_publicly(
    fake: FakeDiscord,
) -> None:
    settings = discord_settings(fake)
    stub = StubTips(TipsReply("Subscribed: a tip every Tuesday at 10:30.", ephemeral=False))
    service = ReviewService(settings)
    async with running_bot(fake, service, settings, tips_for=lambda poster: stub):
        command = tips_command("subscribe", weekday="tue", time="10:30", timezone="Europe/Berlin")
        await fake.dispatch("INTERACTION_CREATE", command)
        private, public = await fake.wait_for(
            "POST", rf"/webhooks/{APP_ID}/{command['token']}", count=2
        )
    ((ctx, args),) = stub.calls
    assert ctx == ChannelContext("discord", str(GUILD_ID), str(CHANNEL_ID), str(USER_ID))
    assert args == "subscribe tue 10:30 Europe/Berlin"
    assert private.body["flags"] & EPHEMERAL
    assert not public.body.get("flags", 0) & EPHEMERAL
    assert public.body["content"] == "Subscribed: a tip every Tuesday at 10:30."


async def test_preview_shows_the_tip_to_the_caller_only(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    stub = StubTips(TipsReply("The next tip for this channel:", tip=TIP))
    async with running_bot(fake, ReviewService(settings), settings, tips_for=lambda _: stub):
        command = tips_command("preview")
        answer = await interact(fake, command)
    assert [args for _, args in stub.calls] == ["preview"]
    assert answer.body["flags"] & EPHEMERAL
    (embed,) = answer.body["embeds"]
    assert embed["title"] == f"Outreach tip: {TIP.title}"
    assert embed["footer"]["text"] == f"Principle: {TIP.principle_title}"
    assert len(followups(fake, command["token"])) == 1


async def test_tips_not_configured_says_so(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, ReviewService(settings), settings):
        answer = await interact(fake, tips_command("status"))
    assert answer.body["flags"] & EPHEMERAL
    assert "not set up" in answer.body["content"]


async def test_real_tips_on_sqlite_post_now_and_report_status(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = discord_settings(fake, database_url=f"sqlite:///{tmp_path / 'tips.db'}")
    store = open_store(settings.database_url)
    service = ReviewService(settings, store=store)

    def tips_for(poster: TipPoster) -> TipsCommands:
        return TipsCommands(store, load_library(), {"discord": poster}, settings)

    try:
        async with running_bot(fake, service, settings, tips_for=tips_for):
            await interact(fake, tips_command("subscribe", weekday="mon", time="09:00"))
            now = await interact(fake, tips_command("now"))
            status = await interact(fake, tips_command("status"))
    finally:
        store.close()
    (posted,) = fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert posted.body["embeds"][0]["title"].startswith("Outreach tip: ")
    assert "Posted a tip here" in now.body["content"]
    assert "Weekly tips are on here" in status.body["content"]
    assert "Last tip" in status.body["content"]
