"""Merging the model's answer with the rules: grounding, strictness, caps (no network)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.llm.merge import locate, merge
from bot.llm.schema import ModelReviewBase, build_answer_model
from bot.models import Finding, PrincipleResult, Review, Status
from bot.principles import load_principles

IDS = tuple(p.id for p in load_principles())
ANSWER_MODEL = build_answer_model(IDS)
TEXT = (
    "Hi Sam, our platform cuts onboarding time by 60% and I'd love to show you a demo.\n"
    "I saw your “Scaling  support” post; how did your team handle the holiday spike?"
)


def rules_review(
    statuses: dict[str, Status] | None = None,
    findings: dict[str, tuple[Finding, ...]] | None = None,
    kind: str = "cold",
    verdict: str = "revise",
    score: int = 60,
) -> Review:
    chosen = statuses or {}
    found = findings or {}
    principles = tuple(
        PrincipleResult(
            p.id,
            p.title,
            chosen.get(p.id, "n/a" if p.id == "owns_the_gap" else "pass"),
            found.get(p.id, ()),
        )
        for p in load_principles()
    )
    return Review(
        score=score, verdict=verdict, kind=kind, source="rules",  # type: ignore[arg-type]
        principles=principles, questions=("What is next for your team?", "Q2?", "Q3?"),
    )  # fmt: skip


def model_answer(
    statuses: dict[str, str] | None = None,
    quotes: dict[str, list[str]] | None = None,
    **overrides: Any,
) -> ModelReviewBase:
    chosen = statuses or {}
    quoted = quotes or {}
    principles = {
        pid: {
            "status": chosen.get(pid, "n/a" if pid == "owns_the_gap" else "pass"),
            "findings": [
                {"quote": q, "message": "m", "suggestion": "s"} for q in quoted.get(pid, [])
            ],
        }
        for pid in IDS
    }
    body: dict[str, Any] = {
        "kind": "cold",
        "principles": principles,
        "questions": ["How did the holiday spike go?", "What would you change?"],
        "score": 95,
        "verdict": "send",
        "rewrite": "Hi Sam, ...",
    }
    body.update(overrides)
    return ANSWER_MODEL.model_validate(body)


def pitch_finding() -> Finding:
    quote = "our platform cuts onboarding time by 60%"
    start = TEXT.index(quote)
    return Finding("no_pitch", "pitch.product", "fail", "Pitch.", "Cut it.", quote, start,
                   start + len(quote))  # fmt: skip


def test_locate_is_exact_first_then_normalised() -> None:
    assert locate(TEXT, "I'd love to show you a demo") == (
        TEXT.index("I'd love"),
        TEXT.index("I'd love") + len("I'd love to show you a demo"),
    )
    start, end = locate(TEXT, '"scaling support" post') or (0, 0)
    assert TEXT[start:end] == "“Scaling  support” post"
    start, end = locate(TEXT, "…demo.\nI saw your") or (0, 0)
    assert TEXT[start:end] == "demo.\nI saw your"
    assert locate(TEXT, "your keynote in Berlin") is None
    assert locate(TEXT, "") is None and locate(TEXT, "  “ ” ") is None


def test_rules_findings_are_kept_and_model_quotes_grounded() -> None:
    rules = rules_review({"no_pitch": "fail"}, {"no_pitch": (pitch_finding(),)})
    answer = model_answer(
        {"no_pitch": "fail", "asks_questions": "warn"},
        {
            "no_pitch": ["our platform cuts onboarding time by 60%", "award-winning team"],
            "asks_questions": ["i'd love to show you a demo"],
        },
    )
    review = merge(TEXT, rules, answer).review
    pitch = review.principle("no_pitch")
    assert pitch is not None and pitch.findings == (pitch_finding(),)  # duplicate span merged
    asks = review.principle("asks_questions")
    assert asks is not None and asks.status == "warn"
    assert [f.quote for f in asks.findings] == ["I'd love to show you a demo"]
    assert asks.findings[0].severity == "warn"
    assert merge(TEXT, rules, answer).dropped_quotes == 1


def test_the_stricter_status_wins_and_marks_the_review_hybrid() -> None:
    rules = rules_review({"about_them": "warn"})
    review = merge(TEXT, rules, model_answer({"specific": "fail"})).review
    assert review.statuses()["about_them"] == "warn"  # rules stricter
    assert review.statuses()["specific"] == "fail"  # model stricter
    assert review.source == "hybrid"
    agreeing = merge(TEXT, rules_review(), model_answer({"specific": "fail"})).review
    assert agreeing.source == "llm"


def test_a_rules_fail_on_pitch_caps_the_verdict_at_revise() -> None:
    rules = rules_review({"no_pitch": "fail"}, {"no_pitch": (pitch_finding(),)})
    review = merge(TEXT, rules, model_answer(score=97, verdict="send")).review
    assert review.verdict == "revise"
    assert review.score < 75
    assert review.statuses()["no_pitch"] == "fail"


def test_model_score_stays_inside_its_verdicts_band() -> None:
    review = merge(TEXT, rules_review(), model_answer(score=12, verdict="rewrite")).review
    assert review.verdict == "send" and review.score >= 75  # all principles pass


def test_owns_the_gap_is_na_for_cold_and_judged_for_reconnect() -> None:
    cold = merge(TEXT, rules_review(), model_answer({"owns_the_gap": "fail"})).review
    assert cold.statuses()["owns_the_gap"] == "n/a"
    reconnect = merge(
        TEXT, rules_review(), model_answer({"owns_the_gap": "fail"}, kind="reconnect")
    ).review
    assert reconnect.kind == "reconnect" and reconnect.statuses()["owns_the_gap"] == "fail"


def test_injection_keeps_the_rules_kind_verdict_and_score() -> None:
    rules = rules_review({"specific": "fail", "clear_reason": "fail"}, verdict="rewrite", score=30)
    review = merge(
        TEXT, rules, model_answer(kind="reconnect", score=100), injection_note="note!"
    ).review
    assert (review.verdict, review.score, review.kind) == ("rewrite", 30, "cold")
    assert review.notes[-1] == "note!" and review.source == "hybrid"


def test_questions_come_from_the_model_topped_up_by_the_rules() -> None:
    few = merge(TEXT, rules_review(), model_answer(questions=["  Only   one? "])).review
    assert few.questions == ("Only one?", "What is next for your team?")
    many = merge(TEXT, rules_review(), model_answer(questions=["a?", "b?", "c?", "d?"])).review
    assert many.questions == ("a?", "b?", "c?")
    assert merge(TEXT, rules_review(), model_answer(rewrite="  ")).review.rewrite is None


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(min_size=1, max_size=200),
    cuts=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 40)), max_size=4),
    noise=st.text(max_size=20),
)
def test_every_finding_span_matches_its_quote(
    text: str, cuts: list[tuple[int, int]], noise: str
) -> None:
    quotes = [text[i : i + n].upper() + noise for i, n in cuts] + [text[i : i + n] for i, n in cuts]
    answer = model_answer({pid: "fail" for pid in IDS}, {pid: quotes for pid in IDS})
    review = merge(text, rules_review(), answer).review
    for principle in review.principles:
        for finding in principle.findings:
            assert text[finding.start : finding.end] == finding.quote
