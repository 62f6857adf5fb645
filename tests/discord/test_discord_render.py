"""Discord rendering: every embed within Discord's limits whatever the review holds,
and the intent and endpoint settings parsed the way the docs say."""

from __future__ import annotations

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord import intents_for
from adapters.discord.app import BOT_PERMISSIONS, api_base, invite_url
from adapters.discord.embeds import (
    CONTENT_MAX,
    embeds_total,
    render_review,
    render_rewrite,
    review_as_text,
    tip_embed,
)
from bot.models import Finding, PrincipleResult, Review
from bot.ports import RenderedTip
from bot.principles import load_principles
from bot.rules import review_with_rules
from tests.fakes.limits import assert_embeds_within_limits
from tests.helpers import ROOT


def huge_review(text: str, *, rewrite: str | None = None) -> Review:
    findings = tuple(
        Finding(p.id, f"{p.id}.r", "fail", text[:3000], text[:2000], text, 0, len(text))
        for p in load_principles()
    )
    principles = tuple(
        PrincipleResult(p.id, p.title + " " + text[:400], "fail", findings)
        for p in load_principles()
    )
    return Review(
        score=3,
        verdict="rewrite",
        kind="cold",
        source="llm",
        principles=principles,
        questions=tuple(text[:900] for _ in range(12)),
        rewrite=rewrite,
        notes=tuple(text[:2500] for _ in range(4)),
    )


def test_a_10000_character_draft_keeps_every_embed_limit() -> None:
    draft = ("Hi Sam, I'm the founder of Loopwise. " * 300)[:10_000]
    for review in (review_with_rules(draft), huge_review(draft, rewrite=draft)):
        for rendered in (render_review(review), render_rewrite(review)):
            payload = [e.to_dict() for e in rendered.embeds]
            assert_embeds_within_limits(payload)
            assert embeds_total(rendered.embeds) <= 6000


def test_long_parts_are_cut_visibly_not_silently() -> None:
    review = huge_review("x" * 10_000)
    fields = render_review(review).embeds[0].to_dict()["fields"]
    assert any(field["value"].endswith("…") for field in fields)
    assert all(len(field["value"]) <= 1024 for field in fields)


def test_long_rewrite_goes_to_a_text_file_and_short_one_inline() -> None:
    long_rewrite = "Dear Sam, " + "word " * 2000
    rendered = render_rewrite(huge_review("short", rewrite=long_rewrite))
    files = rendered.files()
    assert [f.filename for f in files] == ["rewrite.txt"]
    assert files[0].fp.read().decode() == long_rewrite
    short = render_rewrite(huge_review("short", rewrite="Hi Sam, how did the launch go?"))
    assert short.file_texts == {}
    assert short.embeds[0].description == "Hi Sam, how did the launch go?"


def test_verdict_sets_the_colour_and_footer_names_the_grader() -> None:
    review = review_with_rules("Hi Priya, how did the DataConf talk go? Coffee next week?")
    embed = render_review(review).embeds[0]
    colours = {"send": 0x2ECC71, "revise": 0xF1C40F, "rewrite": 0xE74C3C}
    assert embed.colour == discord.Colour(colours[review.verdict])
    assert str(review.score) in (embed.title or "")
    assert "rules" in (embed.footer.text or "")
    assert len(embed.fields) >= len(load_principles())


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=6000),
    notes=st.lists(st.text(max_size=3000), max_size=6),
    questions=st.lists(st.text(max_size=1500), max_size=30),
)
def test_any_review_content_fits_discord(text: str, notes: list[str], questions: list[str]) -> None:
    base = huge_review(text, rewrite=text)
    review = Review(
        score=50,
        verdict="revise",
        kind="reconnect",
        source="hybrid",
        principles=base.principles,
        questions=tuple(questions),
        rewrite=text,
        notes=tuple(notes),
    )
    for rendered in (render_review(review), render_rewrite(review)):
        assert_embeds_within_limits([e.to_dict() for e in rendered.embeds])
    assert len(review_as_text(review)) <= CONTENT_MAX


def test_tip_embed_within_limits() -> None:
    tip = RenderedTip(
        "t1", "specific", "Be specific", "T" * 500, "B" * 5000, "b" * 3000, "a" * 3000
    )
    embed = tip_embed(tip).to_dict()
    assert_embeds_within_limits([embed])
    assert [f["name"] for f in embed["fields"]] == ["Before", "After"]


def test_message_content_intent_only_with_the_reaction_trigger() -> None:
    without, with_reaction = intents_for(reaction_trigger=False), intents_for(reaction_trigger=True)
    for intents in (without, with_reaction):
        assert intents.guilds and intents.guild_messages and intents.guild_reactions
        assert not intents.members and not intents.presences
    assert not without.message_content
    assert with_reaction.message_content


def test_api_base_accepts_a_host_or_a_full_base() -> None:
    assert api_base("http://proxy:8080") == "http://proxy:8080/api/v10"
    assert api_base("http://proxy:8080/api/v10/") == "http://proxy:8080/api/v10"
    assert api_base("https://discord.com/api/v9") == "https://discord.com/api/v9"


def test_docs_give_the_invite_url_and_permissions_the_bot_uses() -> None:
    docs = (ROOT / "docs" / "discord.md").read_text(encoding="utf-8")
    assert invite_url(42).replace("client_id=42", "client_id=APPLICATION_ID") in docs
    assert "scope=bot+applications.commands" in invite_url(42)
    assert f"`{BOT_PERMISSIONS.value}`" in docs
    assert not BOT_PERMISSIONS.administrator and not BOT_PERMISSIONS.manage_messages
