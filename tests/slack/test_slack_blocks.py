"""Block Kit rendering: Slack's limits, escaping, fallback text, and what sharing leaves out."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.blocks import (
    Mode,
    draft_modal,
    help_blocks,
    review_blocks,
    review_fallback,
    rewrite_blocks,
    tip_blocks,
)
from adapters.slack.mrkdwn import escape, slack_to_plain, truncate_escaped
from bot.policy import parse_reaction
from bot.ports import RenderedTip
from tests.fakes.limits import assert_blocks_within_limits, block_texts
from tests.fakes.slack_harness import quoting_review

DANGEROUS = "Hi <!channel> and <!here>, ping <@U123> & <#C42|general> <https://x.io|click>"


def test_huge_review_stays_within_every_limit_and_shows_ellipsis() -> None:
    draft = ("I'm the founder & CEO <b>. " * 400)[:10_000]
    review = quoting_review(draft, per_principle=40, rewrite=draft)
    modes: tuple[Mode, ...] = ("private", "thread", "shared")
    for mode in modes:
        blocks = review_blocks(review, mode)
        assert_blocks_within_limits(blocks)
        assert any("…" in t for t in block_texts(blocks)), "cut content must show an ellipsis"
    assert_blocks_within_limits(rewrite_blocks(review))
    assert len(review_fallback(review)) <= 3000
    assert len(json.dumps(review_blocks(review))) < 50_000


def test_user_text_is_escaped_everywhere() -> None:
    review = quoting_review(DANGEROUS, rewrite=DANGEROUS)
    rendered = review_blocks(review) + rewrite_blocks(review)
    for text in [*block_texts(rendered), review_fallback(review)]:
        assert "<!channel>" not in text and "<!here>" not in text and "<@U123>" not in text
    assert any("&lt;!channel&gt;" in t for t in block_texts(rendered))
    assert all("& " not in t for t in block_texts(rendered)), "a bare & must be &amp;"


def test_shared_review_has_no_draft_text_and_no_buttons() -> None:
    draft = "Hi Priya, SECRETWORD is our stealth product launching soon."
    review = quoting_review(draft, rewrite="Rewrite with SECRETWORD")
    private = json.dumps(review_blocks(review, "private"))
    shared = review_blocks(review, "shared", shared_by="U0ALICE")
    assert "SECRETWORD" in private
    assert "SECRETWORD" not in json.dumps(shared) + review_fallback(review)
    assert "Problem 0" in json.dumps(shared), "the advice itself is shared"
    assert not [b for b in shared if b["type"] == "actions"]
    assert "<@U0ALICE>" in json.dumps(shared)


def test_buttons_follow_the_review() -> None:
    with_rewrite = review_blocks(quoting_review("x", rewrite="better"), "private")
    without = review_blocks(quoting_review("x"), "thread")
    ids = [e["action_id"] for e in with_rewrite[-1]["elements"]]
    assert ids == ["review_share", "review_rewrite", "review_vote_up", "review_vote_down"]
    ids = [e["action_id"] for e in without[-1]["elements"]]
    assert ids == ["review_vote_up", "review_vote_down"]


def test_tip_help_and_modal_render() -> None:
    tip = RenderedTip(
        "t1",
        "about_them",
        "Lead with them",
        "Open with <them>",
        "Body & more",
        "I'm great",
        "You did <!here>",
        digest="12 drafts reviewed",
    )
    blocks = tip_blocks(tip)
    assert_blocks_within_limits(blocks)
    assert "<!here>" not in json.dumps(blocks) and "&lt;!here&gt;" in json.dumps(blocks)
    help_sections, fallback = help_blocks(parse_reaction("🔍"))
    assert ":mag:" in fallback and "/outreachtips" in fallback
    assert_blocks_within_limits(help_sections)
    modal = draft_modal("C1", "https://hooks/x")
    element = modal["blocks"][0]["element"]
    assert element["multiline"] and element["max_length"] == 3000
    assert "3,000" in modal["blocks"][0]["hint"]["text"]
    assert json.loads(modal["private_metadata"]) == {
        "channel": "C1",
        "response_url": "https://hooks/x",
    }


def test_slack_markup_becomes_what_the_author_typed() -> None:
    assert slack_to_plain(DANGEROUS) == ("Hi @channel and @here, ping @U123 & general click")
    assert slack_to_plain("a &lt;b&gt; &amp; c") == "a <b> & c"


@given(st.text(alphabet=st.sampled_from("ab&<>;!@ \n"), max_size=400), st.integers(2, 300))
def test_escaped_truncation_is_bounded_and_never_leaks_markup(raw: str, limit: int) -> None:
    out = truncate_escaped(escape(raw), limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out
    if len(escape(raw)) > limit:
        assert out.endswith("…")
