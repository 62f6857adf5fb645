"""Buttons on a review: Share in channel, Show rewrite (only with a model rewrite), 👍/👎,
still working after the bot restarts (persistent dynamic items with stable custom ids)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.models import Review
from bot.service import ReviewService
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import (
    discord_settings,
    interact,
    running_bot,
)
from tests.fakes.discord_payloads import USER_ID, button_click, custom_ids, slash_command
from tests.fakes.memory_store import MemoryStore

EPHEMERAL = 64
DRAFT = "Hi Tom, it's been too long since Lisbon and that's on me. How is the new team?"
LONG_REWRITE = "Tom, it's been far too long since Lisbon. " * 150  # > 4,000 characters


class RewritingGrader:
    def __init__(self, rewrite: str) -> None:
        self.rewrite = rewrite

    async def grade(self, text: str, rules_review: Review) -> Review:
        return replace(rules_review, source="llm", rewrite=self.rewrite)

    async def aclose(self) -> None:
        return None


def button(message: dict[str, Any], action: str) -> str:
    return next(cid for cid in custom_ids(message) if cid.split(":")[1] == action)


async def review_message(fake: FakeDiscord, service: ReviewService) -> dict[str, Any]:
    """Run /reviewoutreach and return the stored follow-up message (with its buttons)."""
    sent = await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))
    return next(m for m in fake.messages.values() if m["embeds"] == sent.body["embeds"])


async def test_share_works_after_a_restart_of_the_bot(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    service = ReviewService(settings)
    async with running_bot(fake, service, settings):
        message = await review_message(fake, service)
    async with running_bot(fake, service, settings):  # a new client, same process memory
        click = button_click(button(message, "share"), message)
        shared = await interact(fake, click, followup=False)
    assert shared.body["type"] == 4  # a channel message, visible to everyone
    data = shared.body["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["embeds"][0]["title"] == message["embeds"][0]["title"]
    assert f"<@{USER_ID}> shared" in data["content"]
    assert data["allowed_mentions"] == {"parse": []}  # the sharer is named, not pinged


async def test_a_review_the_process_forgot_says_expired(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, ReviewService(settings), settings):
        message = await review_message(fake, ReviewService(settings))
    fresh = ReviewService(settings)  # a real restart: nothing remembered
    async with running_bot(fake, fresh, settings):
        answer = await interact(
            fake, button_click(button(message, "share"), message), followup=False
        )
    assert answer.body["data"]["flags"] & EPHEMERAL
    assert "expired" in answer.body["data"]["content"]
    assert "/reviewoutreach" in answer.body["data"]["content"]


async def test_feedback_is_recorded_even_after_a_restart(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    store = MemoryStore()
    async with running_bot(fake, ReviewService(settings, store=store), settings):
        message = await review_message(fake, ReviewService(settings))
    async with running_bot(fake, ReviewService(settings, store=store), settings):
        thumbs_up = await interact(
            fake, button_click(button(message, "up"), message), followup=False
        )
        await interact(fake, button_click(button(message, "down"), message), followup=False)
    review_id = button(message, "up").split(":")[2]
    assert [(r, v, p) for r, v, _, p in store.feedback] == [
        (review_id, "up", "discord"),
        (review_id, "down", "discord"),
    ]
    assert thumbs_up.body["data"]["flags"] & EPHEMERAL
    assert "Thanks" in thumbs_up.body["data"]["content"]


async def test_show_rewrite_only_when_the_model_wrote_one(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    service = ReviewService(settings, grader=RewritingGrader(LONG_REWRITE))
    async with running_bot(fake, service, settings):
        message = await review_message(fake, service)
        click = button_click(button(message, "rewrite"), message)
        shown = await interact(fake, click, followup=False)
    assert [cid.split(":")[1] for cid in custom_ids(message)] == ["share", "rewrite", "up", "down"]
    assert shown.body["data"]["flags"] & EPHEMERAL
    assert shown.files == [("rewrite.txt", LONG_REWRITE.encode())]  # too long for an embed

    plain = FakeDiscord()
    await plain.start()
    try:
        async with running_bot(plain, ReviewService(settings), discord_settings(plain)):
            message = await review_message(plain, ReviewService(settings))
    finally:
        await plain.close()
    assert "rewrite" not in [cid.split(":")[1] for cid in custom_ids(message)]


async def test_short_rewrite_is_shown_inline(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    service = ReviewService(settings, grader=RewritingGrader("Tom, how is the new team going?"))
    async with running_bot(fake, service, settings):
        message = await review_message(fake, service)
        shown = await interact(
            fake, button_click(button(message, "rewrite"), message), followup=False
        )
    (embed,) = shown.body["data"]["embeds"]
    assert embed["description"] == "Tom, how is the new team going?"
    assert shown.files == []
