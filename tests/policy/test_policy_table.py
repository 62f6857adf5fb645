"""One policy, two platforms: the same table of events goes through the real Slack app and the
real Discord bot, and each row must end the same way on both: reviewed, ignored, or a short
note that says why not."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.discord.embeds import review_embed
from adapters.slack.blocks import review_blocks
from bot.rules import review_with_rules
from tests.fakes.platform_drivers import DiscordDriver, Driver, Posted, Seen, SlackDriver

DRAFT = (
    "Hi Maya, your write-up on field interviews in small clinics changed how I plan mine. "
    "Which question surprised you most?"
)
NOTHING = "👍 🙂 🎉"  # no words: nothing a review could judge
A_DRAFT = Posted(DRAFT)


@dataclass(frozen=True)
class Reaction:
    setting: str | None  # OUTREACH_REACTION; None: unset
    emoji: str  # what a person reacts with
    posted: Posted = A_DRAFT
    listed: bool = False  # OUTREACH_REVIEW_CHANNELS lists the review channel (else: empty)
    expect: str = "reviewed"  # "reviewed", "ignored", or words of the note


REACTIONS = {
    "unset means 🔍": Reaction(None, "🔍"),
    "mag": Reaction("mag", "🔍"),
    ":mag:": Reaction(":mag:", "🔍"),
    "🔍": Reaction("🔍", "🔍"),
    "eyes": Reaction("eyes", "👀"),
    ":eyes:": Reaction(":eyes:", "👀"),
    "👀": Reaction("👀", "👀"),
    "on means 🔍": Reaction("on", "🔍"),
    "on is not the :on: emoji": Reaction("on", "🔛", expect="ignored"),
    "off": Reaction("off", "🔍", expect="ignored"),
    "another emoji": Reaction("eyes", "🔍", expect="ignored"),
    "👀 set, 🔍 added": Reaction("👀", "🔍", expect="ignored"),
    "a listed channel": Reaction("mag", "🔍", listed=True),
    "a channel not listed": Reaction(
        "mag", "🔍", Posted(DRAFT, in_review_channel=False), listed=True, expect="ignored"
    ),
    "a bot's message": Reaction("mag", "🔍", Posted(DRAFT, by_bot=True), expect="ignored"),
    "an empty message": Reaction("mag", "🔍", Posted(""), expect="no text to review"),
    "only files": Reaction("mag", "🔍", Posted("", files=True), expect="only has files"),
    "nothing reviewable": Reaction("mag", "🔍", Posted(NOTHING), expect="nothing to review"),
}

FROM_THE_MENU = {
    "a draft": (Posted(DRAFT), "reviewed"),
    "a bot's message": (Posted(DRAFT, by_bot=True), "posted by an app"),
    "an empty message": (Posted(""), "no text to review"),
    "only files": (Posted("", files=True), "only has files"),
    "nothing reviewable": (Posted(NOTHING), "nothing to review"),
}


@pytest.fixture(params=["slack", "discord"])
async def platform(request: pytest.FixtureRequest) -> AsyncIterator[Driver]:
    yield SlackDriver() if request.param == "slack" else DiscordDriver()


def assert_saw(seen: Seen, expect: str) -> None:
    if expect in ("reviewed", "ignored"):
        assert seen.kind == expect, seen
    else:
        assert seen.kind == "note" and expect in seen.text, seen


@pytest.mark.parametrize("case", REACTIONS.values(), ids=REACTIONS.keys())
async def test_a_reaction_ends_the_same_way_on_both_platforms(
    platform: Driver, case: Reaction
) -> None:
    channels = platform.review_channel if case.listed else ""
    async with platform.started(outreach_reaction=case.setting, outreach_review_channels=channels):
        seen = await platform.react(case.posted, case.emoji, expect_quiet=case.expect == "ignored")
    assert_saw(seen, case.expect)


@pytest.mark.parametrize(("posted", "expect"), FROM_THE_MENU.values(), ids=FROM_THE_MENU.keys())
async def test_a_message_from_its_menu_ends_the_same_way_on_both_platforms(
    platform: Driver, posted: Posted, expect: str
) -> None:
    async with platform.started():
        seen = await platform.from_menu(posted)
    assert_saw(seen, expect)


@pytest.mark.parametrize(
    ("setting", "shown"), [(None, {"slack": ":mag:", "discord": "🔍"}), ("off", None)]
)
async def test_help_is_a_command_word_on_both_platforms_and_names_the_reaction(
    platform: Driver, setting: str | None, shown: dict[str, str] | None
) -> None:
    async with platform.started(outreach_reaction=setting):
        seen = await platform.command("help")
    assert seen.kind == "help" and "six principles" in seen.text
    if shown is None:
        assert "React with" not in seen.text
    else:
        assert f"React with {shown[platform.name]}" in seen.text


async def test_a_shared_review_carries_no_draft_text_on_either_platform(
    platform: Driver,
) -> None:
    marker = "Fernwhistle"
    draft = f"I run {marker}, the best platform around. {marker} would love a call with you?"
    async with platform.started():
        shared = await platform.shared(draft)
    assert "Outreach review" in shared or "Score" in shared or "/100" in shared
    assert marker not in shared


@pytest.mark.parametrize(
    ("draft", "label"),
    [
        (DRAFT, "Cold outreach"),
        (
            "Hi Sam, it has been two years since we last spoke, my fault for going quiet. "
            "How is the new team treating you?",
            "To someone you know",
        ),
    ],
)
def test_a_review_s_kind_is_worded_the_same_on_both_platforms(draft: str, label: str) -> None:
    review = review_with_rules(draft)
    slack = json.dumps(review_blocks(review), ensure_ascii=False)
    discord = review_embed(review).description or ""
    assert label in slack and label in discord
