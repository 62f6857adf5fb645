"""What the rules say beyond each principle's status (those live in tests/golden/*.yaml):
score bands, suggested questions, long drafts and chat markup."""

from __future__ import annotations

from bot import review_with_rules
from bot.rules.scoring import BANDS
from tests.rules.golden_cases import case_named, load_cases


def draft(name: str) -> str:
    return case_named(name).draft


def test_chat_mentions_and_links_are_not_personal_detail() -> None:
    review = review_with_rules(
        "Hey <@U024BE7LH> <!channel> check <https://example.com/deck|our deck> and "
        "<#C123|general> :wave: Would love to connect!"
    )
    specific = review.principle("specific")
    assert specific is not None and specific.status in ("warn", "fail")


def test_verdict_and_score_agree_on_every_golden_draft() -> None:
    for case in load_cases():
        review = review_with_rules(case.draft)
        low, high = BANDS[review.verdict]
        assert low <= review.score <= high, case.name


def test_long_drafts_are_cut_with_a_note() -> None:
    review = review_with_rules(draft("thoughtful-cold") + " More detail." * 2000)
    assert any("only the first 10,000" in note for note in review.notes)
    for p in review.principles:
        for f in p.findings:
            assert f.end <= 10_000
