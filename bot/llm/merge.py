"""Turn the model's answer into a Review that the rules keep honest.

- Every rules finding stays, with its exact span.
- Each model quote is located in the draft (exact, then whitespace/quote/case-normalised);
  a quote that cannot be found is dropped, so `text[start:end] == quote` always holds.
- Per principle the stricter status of model and rules wins (fail > warn > pass > n/a):
  the rules are conservative detectors, so when they fire the writer should see it.
- The verdict follows from the merged statuses by the rules' own `verdict_for` (the fixed
  rule the labelled data uses); the model's score is kept within that verdict's band.
- A rules `fail` on no_pitch, specific or clear_reason caps the verdict at `revise`.
- A draft that talks to the reviewer keeps the rules' kind, verdict and score.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.llm.schema import ModelReviewBase
from bot.models import VIOLATED, Finding, PrincipleResult, Review, Severity, Status, Verdict
from bot.rules.scoring import BANDS, verdict_for

STATUS_RANK: dict[str, int] = {"n/a": 0, "pass": 1, "warn": 2, "fail": 3}
CAPPING_PRINCIPLES = ("no_pitch", "specific", "clear_reason")
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


def _stricter(model_status: Status, rules_status: Status) -> Status:
    return model_status if STATUS_RANK[model_status] > STATUS_RANK[rules_status] else rules_status


def _model_findings(
    text: str, principle_id: str, status: Status, answer: ModelReviewBase
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


def _merge_principle(
    text: str, rules: PrincipleResult, answer: ModelReviewBase, kind: str
) -> tuple[PrincipleResult, bool, int]:
    """The merged principle, whether the rules decided its status, and quotes dropped."""
    if rules.id == GAP_PRINCIPLE and kind == "cold":
        return replace(rules, status="n/a", findings=()), False, 0
    judgement = answer.judgement(rules.id)
    model_status: Status = judgement.status if judgement else "n/a"
    status = _stricter(model_status, rules.status)
    findings = list(rules.findings)
    model_found, dropped = _model_findings(text, rules.id, model_status, answer)
    taken = {(f.start, f.end) for f in findings}
    for finding in model_found:
        if (finding.start, finding.end) not in taken:
            findings.append(finding)
            taken.add((finding.start, finding.end))
    rules_decided = STATUS_RANK[rules.status] > STATUS_RANK[model_status]
    return replace(rules, status=status, findings=tuple(findings)), rules_decided, dropped


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
    text: str, rules_review: Review, answer: ModelReviewBase, *, injection_note: str | None = None
) -> MergeOutcome:
    kind = rules_review.kind if injection_note else answer.kind
    merged: list[PrincipleResult] = []
    rules_decided_any = False
    dropped_total = 0
    for rules_principle in rules_review.principles:
        result, rules_decided, dropped = _merge_principle(text, rules_principle, answer, kind)
        merged.append(result)
        rules_decided_any = rules_decided_any or rules_decided
        dropped_total += dropped
    statuses = {p.id: p.status for p in merged}
    verdict = verdict_for(statuses)
    score = score_in_band(answer.score, verdict)
    capped = any(rules_review.statuses().get(pid) == "fail" for pid in CAPPING_PRINCIPLES)
    if capped and verdict == "send":
        verdict, score = "revise", score_in_band(score, "revise")
    notes = list(rules_review.notes)
    if injection_note:
        verdict, score = rules_review.verdict, rules_review.score
        notes.append(injection_note)
    rewrite = answer.rewrite.strip() or None
    review = replace(
        rules_review,
        score=score,
        verdict=verdict,
        kind=kind,
        source="hybrid" if (rules_decided_any or injection_note) else "llm",
        principles=tuple(merged),
        questions=_questions(answer, rules_review),
        rewrite=rewrite,
        notes=tuple(notes),
        fallback_reason=None,
    )
    return MergeOutcome(review=review, dropped_quotes=dropped_total)
