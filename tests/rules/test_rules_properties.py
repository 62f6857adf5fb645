"""Properties that hold for any `str`: lone surrogates, control, zero-width and bidi marks
included. The engine never raises, every finding quotes exactly the text it points at, the
statuses are valid, and the verdict and score follow from the statuses by the verdict rule."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import review_with_rules
from bot.models import Review
from bot.principles import REQUIRED_IDS
from bot.rules import MAX_DRAFT_CHARS
from bot.rules.engine import NOT_ENGLISH
from bot.rules.scoring import BANDS, verdict_for

# Code points the default text strategy never produces, or rarely: lone surrogates,
# zero-width and bidi controls, C0/C1 controls, line and paragraph separators, BOM.
AWKWARD = [
    *range(0x00, 0x20), 0x7F, 0x85, 0xA0, 0xAD,
    0xD800, 0xD801, 0xDB7F, 0xDBFF, 0xDC00, 0xDC01, 0xDFFF,
    *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A),
    0x2028, 0x2029, 0x2060, 0xFEFF, 0xFFFD, 0xFFFE, 0x1F389, 0x10FFFF,
]  # fmt: skip
ANY_CHAR = st.one_of(
    st.characters(codec=None, categories=None),  # every category, surrogates (Cs) included
    st.sampled_from([chr(code) for code in AWKWARD]),
)
MARKUP = st.sampled_from(
    [
        "<@U123ABC>", "<#C1|general>", "<!channel>", "<!here>", "<https://x.io/a|label>",
        "<@123456789012>", "<:party:123>", "<t:1700000000:R>", "{{first_name}}", "[First Name]",
        "**bold**", "`code`", "> quote", ":wave:", "🎉", "https://example.com/x?y=1",
        "Hi Sam,\n\n", "\n\nBest,\nJo", "Been a while!", "that's on me.", "We help companies",
        "Are you free for 15 minutes?", "How did you do it?", "Your talk at RustConf was sharp.",
        "I'm a founder with 10 years of experience.", "P.S. our demo", "’", "\r\n", "\x00",
    ]
)  # fmt: skip
DRAFTS = st.one_of(
    st.text(ANY_CHAR, max_size=400),
    st.lists(st.one_of(MARKUP, st.text(ANY_CHAR, max_size=20)), max_size=30).map("".join),
)
FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_well_formed(review: Review, text: str) -> None:
    reviewed = text[:MAX_DRAFT_CHARS]
    assert review.kind in ("cold", "reconnect")
    assert tuple(p.id for p in review.principles)[: len(REQUIRED_IDS)] == REQUIRED_IDS
    unread = NOT_ENGLISH in review.notes  # judged on nothing: every principle n/a
    assert unread == all(p.status == "n/a" for p in review.principles)
    for principle in review.principles:
        assert principle.status in ("pass", "warn", "fail", "n/a"), principle
        if principle.status == "n/a" and not unread:
            assert principle.id == "owns_the_gap" and review.kind == "cold", principle
        assert (principle.status in ("warn", "fail")) == bool(principle.findings), principle
        for finding in principle.findings:
            assert 0 <= finding.start <= finding.end <= len(reviewed), finding
            assert reviewed[finding.start : finding.end] == finding.quote, finding
            assert finding.severity in ("warn", "fail")
            assert finding.principle_id == principle.id
    gap = review.principle("owns_the_gap")
    assert gap is not None and (gap.status == "n/a") == (review.kind == "cold" or unread)
    assert review.verdict == verdict_for(review.statuses())
    low, high = BANDS[review.verdict]
    assert low <= review.score <= high
    assert 2 <= len(review.questions) <= 3
    json.dumps(review.to_dict())


@FAST
@given(DRAFTS)
def test_any_str_is_reviewed_and_every_span_matches_its_quote(text: str) -> None:
    assert_well_formed(review_with_rules(text), text)


@FAST
@given(st.lists(st.sampled_from([chr(code) for code in AWKWARD]) | MARKUP, max_size=40))
def test_drafts_made_of_awkward_characters_and_markup(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert_well_formed(review_with_rules(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\ud800",
        "\udfff\ud800",
        "Hi Sam,\ud800 we help companies like yours. Free for a call?",
        "Hi\u200b Sam, your talk\u200d at RustConf was sharp. How\u2060 did you test it?",
        "\u202eHi Sam, we help companies like yours.\u202c Are you free?",
        "\u2067שלום\u2069 Sam, it's been too long, and that's on me. How are you?",
        "Hi Sam,\x00\x1b[31m we lost touch\x07. Let's connect!\x7f",
        "Hi Sam,\u2028your post\u2029was great.\x85How did you do it?",
        "\ufeffHi Sam, I'm a founder. " * 3,
    ],
    ids=[
        "empty", "space", "lone-high-surrogate", "reversed-pair", "surrogate-in-pitch",
        "zero-width", "rtl-override", "rtl-isolate-hebrew", "c0-controls", "separators", "bom",
    ],
)  # fmt: skip
def test_known_awkward_drafts(text: str) -> None:
    assert_well_formed(review_with_rules(text), text)


def test_findings_in_a_long_draft_point_inside_the_reviewed_part() -> None:
    text = "Hi Jo,\u200b we help companies\ud800 like yours. " * 400
    review = review_with_rules(text)
    assert_well_formed(review, text)
    assert any("only the first 10,000" in note for note in review.notes)
