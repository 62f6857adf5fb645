"""The model merge: the model's judgement, the rules' evidence (no network)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.llm.merge import MergePolicy, locate, merge, within_one_step
from bot.llm.schema import ModelReviewBase, build_answer_model
from bot.llm.trust import RulePrecision, RuleTrust
from bot.models import Finding, PrincipleResult, Review, Status
from bot.principles import load_principles

IDS = tuple(p.id for p in load_principles())
ANSWER_MODEL = build_answer_model(IDS)
TEXT = (
    "Hi Sam, our platform cuts onboarding time by 60% and I'd love to show you a demo.\n"
    "I saw your “Scaling  support” post; how did your team handle the holiday spike?"
)
# Measured precision, as rule_precision.yaml would give it: two trusted rules, two not.
TRUST = RuleTrust(
    threshold=0.9,
    min_support=10,
    rules={
        "pitch.product": RulePrecision("no_pitch", fired=40, correct=38),
        "reason.follow-up": RulePrecision("clear_reason", fired=12, correct=12),
        "about.opening": RulePrecision("about_them", fired=50, correct=30),  # imprecise
        "reason.rare": RulePrecision("clear_reason", fired=3, correct=3),  # too little support
    },
)
POLICY = MergePolicy(trust=TRUST, advice_warns=frozenset({"clear_reason"}))


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


def rule_finding(principle_id: str, rule_id: str, quote: str) -> Finding:
    start = TEXT.index(quote)
    return Finding(principle_id, rule_id, "fail", "Rule says so.", "Fix it.", quote, start,
                   start + len(quote))  # fmt: skip


def pitch_finding() -> Finding:
    return rule_finding("no_pitch", "pitch.product", "our platform cuts onboarding time by 60%")


def merged(rules: Review, answer: ModelReviewBase, **kwargs: Any) -> Review:
    return merge(TEXT, rules, answer, policy=POLICY, **kwargs).review


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


def test_the_models_verdict_and_statuses_stand_when_the_rules_disagree() -> None:
    opening = rule_finding("about_them", "about.opening", "Hi Sam, our platform")
    rules = rules_review(
        {"about_them": "fail", "no_pitch": "fail"},
        {"about_them": (opening,), "no_pitch": (pitch_finding(),)},
        verdict="rewrite",
        score=20,
    )
    review = merged(rules, model_answer(verdict="send", score=88))
    assert (review.verdict, review.score, review.source) == ("send", 88, "llm")
    assert set(review.statuses().values()) <= {"pass", "n/a"}
    # Even a precise rule does not overrule the model's pass, and its finding is not shown
    # under a principle that passes.
    assert all(not p.findings for p in review.principles)


def test_a_violated_principle_shows_the_models_findings_and_the_rules_evidence() -> None:
    demo = rule_finding("no_pitch", "about.opening", "I'd love to show you a demo")
    rules = rules_review({"no_pitch": "fail"}, {"no_pitch": (pitch_finding(), demo)})
    answer = model_answer(
        {"no_pitch": "fail"},
        {"no_pitch": ["our platform cuts onboarding time by 60%", "award-winning team"]},
        verdict="revise",
        score=60,
    )
    outcome = merge(TEXT, rules, answer, policy=POLICY)
    pitch = outcome.review.principle("no_pitch")
    assert pitch is not None and pitch.status == "fail"
    # The model's finding first; the rule's on the same span is not repeated; the other rule's
    # evidence is shown with its exact span.
    assert [(f.rule_id, f.quote) for f in pitch.findings] == [
        ("llm", "our platform cuts onboarding time by 60%"),
        ("about.opening", "I'd love to show you a demo"),
    ]
    assert outcome.dropped_quotes == 1  # "award-winning team" is not in the draft
    for finding in pitch.findings:
        assert TEXT[finding.start : finding.end] == finding.quote


def test_a_weak_reason_is_advice_unless_a_precise_rule_finds_it_too() -> None:
    answer = model_answer(
        {"clear_reason": "warn"}, {"clear_reason": ["how did your team handle"]}, verdict="send"
    )
    advice = merged(rules_review(), answer)
    reason = advice.principle("clear_reason")
    assert reason is not None and reason.status == "pass"
    assert [f.quote for f in reason.findings] == ["how did your team handle"]  # the advice stays
    assert (advice.verdict, advice.source) == ("send", "llm")

    bump = rule_finding("clear_reason", "reason.follow-up", "I'd love to show you a demo")
    confirmed = merged(rules_review({"clear_reason": "fail"}, {"clear_reason": (bump,)}), answer)
    reason = confirmed.principle("clear_reason")
    assert reason is not None and reason.status == "warn"
    evidence = [f for f in reason.findings if f.rule_id == "reason.follow-up"]
    assert evidence and TEXT[evidence[0].start : evidence[0].end] == evidence[0].quote
    assert evidence[0].severity == "warn"  # no finding looks worse than its principle
    assert confirmed.verdict == "revise" and confirmed.source == "hybrid"


def test_imprecise_rare_or_unknown_rules_never_decide_a_status() -> None:
    answer = model_answer({"clear_reason": "warn"}, verdict="send")
    for rule_id in ("about.opening", "reason.rare", "reason.renamed-since"):
        finding = rule_finding("clear_reason", rule_id, "I'd love to show you a demo")
        rules = rules_review({"clear_reason": "fail"}, {"clear_reason": (finding,)})
        review = merged(rules, answer)
        assert review.statuses()["clear_reason"] == "pass", rule_id
        assert review.verdict == "send" and not TRUST.trusted(rule_id)


def test_a_send_never_shows_a_fail() -> None:
    answer = model_answer(
        {"asks_questions": "fail"},
        {"asks_questions": ["I'd love to show you a demo"]},
        verdict="revise",
        score=70,
    )
    rules = rules_review({"asks_questions": "fail"}, {"asks_questions": (pitch_finding(),)})
    review = merged(rules, answer)
    # Only "no question" is left, which the verdict rule lets through: a send, with a warning.
    assert review.verdict == "send" and review.score >= 75
    assert review.statuses()["asks_questions"] == "warn"
    severities = {f.severity for p in review.principles for f in p.findings}
    assert severities == {"warn"}


def test_the_verdict_follows_the_statuses_within_one_step_of_the_models() -> None:
    broken = {"specific": "fail", "no_pitch": "fail", "clear_reason": "fail"}
    too_kind = merged(rules_review(), model_answer(broken, verdict="send", score=90))
    assert (too_kind.verdict, too_kind.score) == ("revise", 74)
    agreed = merged(rules_review(), model_answer(broken, verdict="revise", score=50))
    assert agreed.verdict == "rewrite" and agreed.score <= 44
    too_harsh = merged(rules_review(), model_answer(verdict="rewrite", score=10))
    assert (too_harsh.verdict, too_harsh.score) == ("revise", 45)


def test_owns_the_gap_is_na_for_cold_and_judged_for_reconnect() -> None:
    cold = merged(rules_review(), model_answer({"owns_the_gap": "fail"}))
    assert cold.statuses()["owns_the_gap"] == "n/a"
    unowned = {"owns_the_gap": "fail", "asks_questions": "fail"}
    reconnect = merged(rules_review(), model_answer(unowned, kind="reconnect", verdict="revise"))
    assert reconnect.kind == "reconnect" and reconnect.statuses()["owns_the_gap"] == "fail"
    assert reconnect.verdict == "revise"


def test_injection_keeps_the_rules_kind_verdict_and_score_and_every_rules_finding() -> None:
    rules = rules_review(
        {"no_pitch": "fail", "specific": "fail", "clear_reason": "fail"},
        {"no_pitch": (pitch_finding(),)},
        verdict="rewrite",
        score=30,
    )
    review = merged(rules, model_answer(kind="reconnect", score=100), injection_note="note!")
    assert (review.verdict, review.score, review.kind) == ("rewrite", 30, "cold")
    assert review.notes[-1] == "note!" and review.source == "hybrid"
    assert review.statuses()["no_pitch"] == "fail"  # the steered model cannot clear it
    pitch = review.principle("no_pitch")
    assert pitch is not None and pitch.findings == (pitch_finding(),)


def test_questions_come_from_the_model_topped_up_by_the_rules() -> None:
    few = merged(rules_review(), model_answer(questions=["  Only   one? "]))
    assert few.questions == ("Only one?", "What is next for your team?")
    many = merged(rules_review(), model_answer(questions=["a?", "b?", "c?", "d?"]))
    assert many.questions == ("a?", "b?", "c?")
    assert merged(rules_review(), model_answer(rewrite="  ")).rewrite is None


def test_within_one_step() -> None:
    assert within_one_step("rewrite", "send") == "revise"
    assert within_one_step("send", "rewrite") == "revise"
    for derived in ("send", "revise", "rewrite"):
        assert within_one_step(derived, "revise") == derived  # type: ignore[arg-type]


STATUSES = st.sampled_from(["pass", "warn", "fail", "n/a"])


@settings(max_examples=200, deadline=None)
@given(
    model=st.dictionaries(st.sampled_from(IDS), STATUSES),
    rules=st.dictionaries(st.sampled_from(IDS), STATUSES),
    verdict=st.sampled_from(["send", "revise", "rewrite"]),
    kind=st.sampled_from(["cold", "reconnect"]),
    score=st.integers(0, 100),
)
def test_what_is_shown_always_agrees_with_the_verdict(
    model: dict[str, str], rules: dict[str, Status], verdict: str, kind: str, score: int
) -> None:
    findings = {pid: (rule_finding(pid, "pitch.product", "I'd love"),) for pid in rules}
    answer = model_answer(model, verdict=verdict, kind=kind, score=score)
    review = merged(rules_review(rules, findings), answer)
    low, high = {"send": (75, 100), "revise": (45, 74), "rewrite": (0, 44)}[review.verdict]
    assert low <= review.score <= high
    order = ["send", "revise", "rewrite"]
    assert abs(order.index(review.verdict) - order.index(verdict)) <= 1
    if review.verdict == "send":
        assert "fail" not in review.statuses().values()
        assert all(f.severity == "warn" for p in review.principles for f in p.findings)
    for principle in review.principles:
        for finding in principle.findings:
            assert finding.severity == "warn" or principle.status == "fail"


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
    review = merge(text, rules_review(), answer, policy=POLICY).review
    for principle in review.principles:
        for finding in principle.findings:
            assert text[finding.start : finding.end] == finding.quote
