"""Properties that hold for any input: no crash, every span matches its quote."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import review_with_rules
from bot.models import Review
from bot.principles import REQUIRED_IDS

MARKUP = st.sampled_from(
    [
        "<@U123ABC>",
        "<#C1|general>",
        "<!channel>",
        "<!here>",
        "<https://x.io/a|label>",
        "<@123456789012>",
        "<:party:123>",
        "<t:1700000000:R>",
        "{{first_name}}",
        "[First Name]",
        "**bold**",
        "`code`",
        "> quote",
        ":wave:",
        "🎉",
        "https://example.com/x?y=1",
        "Hi Sam,\n\n",
        "\n\nBest,\nJo",
        "Been a while!",
        "that's on me.",
        "We help companies",
        "Are you free for 15 minutes?",
        "How did you do it?",
        "’",
        "\u00a0",
        "\r\n",
        "\x00",
    ]
)
DRAFTS = st.one_of(
    st.text(max_size=600),
    st.lists(st.one_of(MARKUP, st.text(max_size=40)), max_size=30).map("".join),
)


def assert_well_formed(review: Review, text: str) -> None:
    assert 0 <= review.score <= 100
    assert review.verdict in ("send", "revise", "rewrite")
    assert review.kind in ("cold", "reconnect")
    assert tuple(p.id for p in review.principles)[:6] == REQUIRED_IDS
    for principle in review.principles:
        assert principle.status in ("pass", "warn", "fail", "n/a")
        assert (principle.status in ("warn", "fail")) == bool(principle.findings) or (
            principle.status == "n/a" and not principle.findings
        )
        for finding in principle.findings:
            assert 0 <= finding.start <= finding.end <= len(text)
            assert text[finding.start : finding.end] == finding.quote
            assert finding.severity in ("warn", "fail")
    assert 2 <= len(review.questions) <= 3


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DRAFTS)
def test_any_unicode_is_reviewed_and_every_span_matches_its_quote(text: str) -> None:
    review = review_with_rules(text)
    assert_well_formed(review, text)
    review.to_dict()


def test_findings_in_a_long_draft_point_inside_the_reviewed_part() -> None:
    text = "Hi Jo, we help companies like yours. " * 400
    review = review_with_rules(text)
    assert_well_formed(review, text)
