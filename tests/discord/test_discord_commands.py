"""/reviewoutreach, its modal and the "Review outreach" message menu, driven through the real
discord.py client over HTTP and WebSocket against the fake Discord on 127.0.0.1."""

from __future__ import annotations

import asyncio

import discord

from bot.models import Review
from bot.ports import Rejected
from bot.service import ReviewService
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import (
    callbacks,
    discord_settings,
    followups,
    interact,
    running_bot,
)
from tests.fakes.discord_payloads import (
    APP_ID,
    GUILD_ID,
    custom_ids,
    message_command,
    message_payload,
    modal_submit,
    slash_command,
)
from tests.fakes.limits import assert_embeds_within_limits

EPHEMERAL = 64
DEFER_WITH_THINKING = 5
MODAL = 9
DRAFT = "Hi Priya, your DataConf talk on vanity dashboards stuck with me. How did the rollout go?"


class SlowGrader:
    """A model that answers only when the test lets it."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def grade(self, text: str, rules_review: Review) -> Review:
        await self.release.wait()
        return rules_review

    async def aclose(self) -> None:
        return None


async def test_start_up_logs_in_syncs_commands_globally_and_identifies(fake: FakeDiscord) -> None:
    settings = discord_settings(fake, outreach_reaction="off")
    async with running_bot(fake, ReviewService(settings), settings):
        identify = await fake.wait_identified()
    assert identify["d"]["token"] == "fake-discord-token"
    intents = discord.Intents._from_value(identify["d"]["intents"])
    assert intents.guild_reactions and intents.guild_messages and intents.guilds
    assert not intents.message_content  # the reaction is off, so no privileged intent
    (sync,) = fake.find("PUT", rf"/applications/{APP_ID}/commands")
    commands = {c["name"]: c for c in sync.body}
    assert set(commands) == {"reviewoutreach", "Review outreach", "outreachtips"}
    assert commands["Review outreach"]["type"] == 3  # a message context menu
    draft_option = commands["reviewoutreach"]["options"][0]
    assert draft_option["name"] == "draft" and not draft_option["required"]
    assert draft_option["description"] and commands["reviewoutreach"]["description"]


async def test_guild_id_syncs_to_that_guild_and_reaction_asks_for_content(
    fake: FakeDiscord,
) -> None:
    settings = discord_settings(fake, discord_guild_id=GUILD_ID, outreach_reaction="mag")
    async with running_bot(fake, ReviewService(settings), settings):
        identify = await fake.wait_identified()
    assert fake.find("PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    assert discord.Intents._from_value(identify["d"]["intents"]).message_content


async def test_slash_command_defers_then_follows_up_with_the_review(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, ReviewService(settings), settings):
        interaction = slash_command("reviewoutreach", {"draft": DRAFT})
        followup = await interact(fake, interaction)
    (callback,) = callbacks(fake, interaction)
    assert callback.body == {"type": DEFER_WITH_THINKING, "data": {"flags": EPHEMERAL}}
    assert fake.requests.index(callback) < fake.requests.index(followup)
    assert followup.body["flags"] & EPHEMERAL
    (embed,) = followup.body["embeds"]
    assert embed["title"].startswith("Outreach review: ")
    assert len(embed["fields"]) >= 6
    assert embed["color"] in (0x2ECC71, 0xF1C40F, 0xE74C3C)
    buttons = custom_ids(followup.body)
    assert [b.split(":")[1] for b in buttons] == ["share", "up", "down"]  # no rewrite: no model
    assert followup.body["allowed_mentions"] == {"parse": []}


async def test_defers_at_once_even_when_the_model_is_slow(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    grader = SlowGrader()
    async with running_bot(fake, ReviewService(settings, grader=grader), settings):
        interaction = slash_command("reviewoutreach", {"draft": DRAFT})
        await fake.dispatch("INTERACTION_CREATE", interaction)
        path = rf"/interactions/{interaction['id']}/{interaction['token']}/callback"
        await fake.wait_for("POST", path, timeout=2)
        assert followups(fake, interaction["token"]) == []  # still grading
        grader.release.set()
        await fake.wait_for("POST", rf"/webhooks/{APP_ID}/{interaction['token']}")


async def test_without_a_draft_opens_a_modal_and_reviews_the_submission(
    fake: FakeDiscord,
) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, ReviewService(settings), settings):
        opened = slash_command("reviewoutreach")
        callback = await interact(fake, opened, followup=False)
        assert callback.body["type"] == MODAL
        modal = callback.body["data"]
        text_input = modal["components"][0]["components"][0]
        assert text_input["style"] == 2 and text_input["max_length"] == 4000
        submitted = modal_submit(modal["custom_id"], {text_input["custom_id"]: DRAFT})
        followup = await interact(fake, submitted)
    assert callbacks(fake, submitted)[0].body["type"] == DEFER_WITH_THINKING
    assert followup.body["flags"] & EPHEMERAL
    assert followup.body["embeds"][0]["title"].startswith("Outreach review")


async def test_context_menu_reviews_the_target_message(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, ReviewService(settings), settings):
        target = message_payload(DRAFT)
        followup = await interact(fake, message_command("Review outreach", target))
        empty = message_command("Review outreach", message_payload(""))
        explanation = await interact(fake, empty)
    assert followup.body["flags"] & EPHEMERAL
    assert followup.body["embeds"][0]["title"].startswith("Outreach review")
    assert "no text to review" in explanation.body["content"]
    assert not explanation.body.get("embeds")


async def test_mentions_in_a_draft_never_ping(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    draft = "@everyone @here <@930000000000000001> <@&123> hi, quick question about your talk?"
    async with running_bot(fake, ReviewService(settings), settings):
        followup = await interact(fake, slash_command("reviewoutreach", {"draft": draft}))
    assert followup.body["allowed_mentions"] == {"parse": []}
    assert "users" not in followup.body["allowed_mentions"]


async def test_10000_character_draft_stays_within_every_limit_over_the_wire(
    fake: FakeDiscord,
) -> None:
    settings = discord_settings(fake)
    draft = ("I'm the founder of an award-winning platform. " * 250)[:10_000]
    async with running_bot(fake, ReviewService(settings), settings):
        followup = await interact(fake, slash_command("reviewoutreach", {"draft": draft}))
    assert followup.body["embeds"]
    assert_embeds_within_limits(followup.body["embeds"])
    assert len(followup.body.get("content") or "") <= 2000


async def test_rejected_review_shows_its_message(fake: FakeDiscord) -> None:
    class Limited(ReviewService):
        async def review(
            self, text: str, *, platform: str = "cli", workspace: str = "", user: str = ""
        ) -> Review | Rejected:
            return Rejected("rate_limited", "You've reviewed a lot this minute; try again soon.")

    settings = discord_settings(fake)
    async with running_bot(fake, Limited(settings), settings):
        followup = await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))
    assert followup.body["content"] == "You've reviewed a lot this minute; try again soon."
    assert followup.body["flags"] & EPHEMERAL
