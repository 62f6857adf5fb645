"""Turn the model's answer into a Review: the model's judgement, with the rules as evidence.

- The model decides each principle's status. Its "warn" counts against the draft, except on a
  principle whose `model_warn` is `advice` (principles.yaml): there it means "met, but could be
  sharper" and is shown as a pass with the model's advice, unless a trusted rule found the
  problem too (precision measured on labelled drafts, `rule_precision.yaml`), which keeps the
  warn and shows the rule's evidence.
- Rules never overrule the model's own pass or fail: measured on sources held out, letting even
  the most precise rules turn a model pass into a warning lost more than it gained (docs/llm.md).
- On a principle the review counts as broken, the rules' findings are shown as evidence next to
  the model's, each with its exact span; on a principle that passes they are left out.
- Each model quote is located in the draft (exact, then whitespace/quote/case-normalised);
  a quote that cannot be found is dropped, so `text[start:end] == quote` always holds.
- The verdict follows from the statuses shown by the fixed rule the labelled data uses
  (`verdict_for`), never more than one step from the model's own verdict (its `send` never
  becomes `rewrite`, nor the reverse). The model's score is kept within the verdict's band.
- A `send` never shows a `fail`: on a send, what is left to fix is shown as a warning.
- A draft that talks to the reviewer keeps the rules' kind, verdict and score, and per principle
  the stricter of model and rules (the model may have been steered).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from bot.llm.schema import ModelReviewBase
from bot.llm.trust import RuleTrust, load_rule_trust
from bot.models import VIOLATED, Finding, PrincipleResult, Review, Severity, Status, Verdict
from bot.principles import load_principles
from bot.rules.scoring import BANDS, verdict_for

STATUS_RANK: dict[str, int] = {"n/a": 0, "pass": 1, "warn": 2, "fail": 3}
VERDICT_ORDER: tuple[Verdict, ...] = ("send", "revise", "rewrite")
GAP_PRINCIPLE = "owns_the_gap"
MODEL_RULE_ID = "llm"
MAX_QUESTIONS = 3
MIN_QUESTIONS = 2

_CHAR_FOLD = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
        "–": "-", "—": "-", "‒": "-", "−": "-", "…": ".",
    }
)  # fmt: skip
_QUOTE_TRIM = " \t\r\n\"'“”‘’«»"


@dataclass(frozen=True)
class MergePolicy:
    """What the merge reads from data: which rules are trusted, which model warns are advice."""

    trust: RuleTrust
    advice_warns: frozenset[str]


@cache
def default_policy() -> MergePolicy:
    advice = frozenset(p.id for p in load_principles() if p.warn_is_advice)
    return MergePolicy(load_rule_trust(), advice)


@dataclass(frozen=True)
class MergeOutcome:
    review: Review
    dropped_quotes: int


def _fold(text: str) -> tuple[str, list[int]]:
    """Normalised text plus, for each of its characters, the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        folded = char.translate(_CHAR_FOLD)
        if folded.isspace():
            if previous_space:
                continue
            folded, previous_space = " ", True
        else:
            previous_space = False
        lowered = folded.lower()
        chars.append(lowered if len(lowered) == 1 else folded)
        origin.append(index)
    return "".join(chars), origin


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Span of `quote` in `text`: exact first, then normalised; None when absent."""
    if not quote:
        return None
    exact = text.find(quote)
    if exact != -1:
        return exact, exact + len(quote)
    # The model may wrap a quote in quotation marks or ellipses: try it as given, then bare.
    trimmed = quote.strip(_QUOTE_TRIM).removeprefix("...").removesuffix("...")
    trimmed = trimmed.strip("…").strip(_QUOTE_TRIM)
    folded_text, origin = _fold(text)
    for candidate in (quote.strip(), trimmed):
        folded_quote, _ = _fold(candidate)
        position = folded_text.find(folded_quote) if folded_quote.strip() else -1
        if position != -1:
            return origin[position], origin[position + len(folded_quote) - 1] + 1
    return None


def score_in_band(score: int, verdict: Verdict) -> int:
    low, high = BANDS[verdict]
    return max(low, min(high, score))


def within_one_step(derived: Verdict, model: Verdict) -> Verdict:
    """`derived`, moved towards `model` until the two are at most one step apart."""
    anchor = VERDICT_ORDER.index(model)
    position = min(max(VERDICT_ORDER.index(derived), anchor - 1), anchor + 1)
    return VERDICT_ORDER[position]


def _capped(findings: list[Finding], status: Status) -> tuple[Finding, ...]:
    """No finding looks worse than its principle: under a warning, every finding is a warning."""
    if status == "fail":
        return tuple(findings)
    return tuple(replace(f, severity="warn") if f.severity == "fail" else f for f in findings)


def _joined(first: list[Finding], then: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """Both lists in order, a finding on a span already shown left out."""
    joined = list(first)
    taken = {f.span() for f in joined}
    for finding in then:
        if finding.span() not in taken:
            joined.append(finding)
            taken.add(finding.span())
    return joined


def _model_findings(
    text: str, principle_id: str, answer: ModelReviewBase
) -> tuple[list[Finding], int]:
    judgement = answer.judgement(principle_id)
    if judgement is None or judgement.status not in VIOLATED:
        return [], 0
    severity: Severity = "fail" if judgement.status == "fail" else "warn"
    found: list[Finding] = []
    dropped = 0
    for item in judgement.findings:
        span = locate(text, item.quote)
        if span is None:
            dropped += 1 if item.quote.strip() else 0
            continue
        start, end = span
        found.append(
            Finding(
                principle_id, MODEL_RULE_ID, severity, item.message.strip(),
                item.suggestion.strip(), text[start:end], start, end,
            )
        )  # fmt: skip
    return found, dropped


@dataclass(frozen=True)
class _Merged:
    principle: PrincipleResult
    rules_decided: bool
    dropped_quotes: int


def _model_status(answer: ModelReviewBase, principle_id: str) -> Status:
    judgement = answer.judgement(principle_id)
    return judgement.status if judgement else "n/a"


def _judged(
    text: str, rules: PrincipleResult, answer: ModelReviewBase, policy: MergePolicy
) -> _Merged:
    """The model's status and findings for one principle, the rules' as evidence."""
    model_status = _model_status(answer, rules.id)
    model_found, dropped = _model_findings(text, rules.id, answer)
    status, rules_decided = model_status, False
    if model_status == "warn" and rules.id in policy.advice_warns:
        confirmed = any(policy.trust.trusted(f.rule_id) for f in rules.findings)
        status, rules_decided = ("warn", True) if confirmed else ("pass", False)
    if status not in VIOLATED:
        advice = model_found if model_status == "warn" else []
        return _Merged(replace(rules, status=status, findings=tuple(advice)), False, dropped)
    findings = _capped(_joined(model_found, rules.findings), status)
    return _Merged(replace(rules, status=status, findings=findings), rules_decided, dropped)


def _stricter(text: str, rules: PrincipleResult, answer: ModelReviewBase) -> _Merged:
    """For a draft that talks to the reviewer: the model can add problems, never remove one."""
    model_status = _model_status(answer, rules.id)
    model_found, dropped = _model_findings(text, rules.id, answer)
    status = model_status if STATUS_RANK[model_status] > STATUS_RANK[rules.status] else rules.status
    findings = tuple(_joined(list(rules.findings), model_found))
    rules_decided = STATUS_RANK[rules.status] > STATUS_RANK[model_status]
    return _Merged(replace(rules, status=status, findings=findings), rules_decided, dropped)


def _shown_for_send(principle: PrincipleResult) -> PrincipleResult:
    if principle.status != "fail":
        return principle
    return replace(principle, status="warn", findings=_capped(list(principle.findings), "warn"))


def _questions(answer: ModelReviewBase, rules_review: Review) -> tuple[str, ...]:
    """The model's questions; the rules' ones top them up when the model gave fewer than two."""
    picked: list[str] = []
    for question in answer.questions:
        cleaned = " ".join(question.split())
        if cleaned and cleaned not in picked:
            picked.append(cleaned)
    for question in rules_review.questions:
        if len(picked) >= MIN_QUESTIONS:
            break
        if question not in picked:
            picked.append(question)
    return tuple(picked[:MAX_QUESTIONS])


def merge(
    text: str,
    rules_review: Review,
    answer: ModelReviewBase,
    *,
    injection_note: str | None = None,
    policy: MergePolicy | None = None,
) -> MergeOutcome:
    chosen = policy or default_policy()
    kind = rules_review.kind if injection_note else answer.kind
    results: list[_Merged] = []
    for rules_principle in rules_review.principles:
        if rules_principle.id == GAP_PRINCIPLE and kind == "cold":
            results.append(_Merged(replace(rules_principle, status="n/a", findings=()), False, 0))
        elif injection_note:
            results.append(_stricter(text, rules_principle, answer))
        else:
            results.append(_judged(text, rules_principle, answer, chosen))
    merged = [r.principle for r in results]
    notes = list(rules_review.notes)
    if injection_note:
        verdict, score = rules_review.verdict, rules_review.score
        notes.append(injection_note)
    else:
        derived = verdict_for({p.id: p.status for p in merged})
        verdict = within_one_step(derived, answer.verdict)
        score = score_in_band(answer.score, verdict)
    if verdict == "send":
        merged = [_shown_for_send(p) for p in merged]
    rules_decided = any(r.rules_decided for r in results)
    review = replace(
        rules_review,
        score=score,
        verdict=verdict,
        kind=kind,
        source="hybrid" if (rules_decided or injection_note) else "llm",
        principles=tuple(merged),
        questions=_questions(answer, rules_review),
        rewrite=answer.rewrite.strip() or None,
        notes=tuple(notes),
        fallback_reason=None,
    )
    return MergeOutcome(review=review, dropped_quotes=sum(r.dropped_quotes for r in results))
