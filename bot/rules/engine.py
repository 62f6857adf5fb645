"""Runs every detector over a draft and assembles the review."""

from __future__ import annotations

from dataclasses import replace

from bot.models import Finding, PrincipleResult, Review, Status
from bot.principles import load_principles
from bot.rules import detectors
from bot.rules.patterns import RuleBook, load_rulebook
from bot.rules.scoring import score_for, verdict_for
from bot.rules.suggest import suggest_questions
from bot.rules.text import Draft
from bot.surrogates import has_surrogates, replace_surrogates

MAX_DRAFT_CHARS = 10_000


def review_with_rules(text: str) -> Review:
    """Grade a draft with the deterministic rules: pure, synchronous, no I/O."""
    return review_text(text, MAX_DRAFT_CHARS)


def review_text(text: str, max_chars: int | None, book: RuleBook | None = None) -> Review:
    """The engine itself; `max_chars=None` reviews everything (for benchmarks of growth).

    Any `str` is reviewed: the rules match a same-length view without lone surrogates, and
    every quote is then taken from `text` itself, so `text[start:end] == quote` holds."""
    if not has_surrogates(text):
        return _review_text(text, max_chars, book)
    review = _review_text(replace_surrogates(text), max_chars, book)
    principles = tuple(
        replace(p, findings=tuple(replace(f, quote=text[f.start : f.end]) for f in p.findings))
        for p in review.principles
    )
    return replace(review, principles=principles)


def _review_text(text: str, max_chars: int | None, book: RuleBook | None) -> Review:
    notes: list[str] = []
    if max_chars is not None and len(text) > max_chars:
        notes.append(
            f"The draft is {len(text):,} characters; only the first {max_chars:,} were "
            "reviewed. Outreach that long is rarely read: aim for under 150 words."
        )
        text = text[:max_chars]
    draft = Draft(text)
    book = book or load_rulebook()
    kind = detectors.detect_kind(draft, book)
    about = detectors.check_about_them(draft, book)
    pitch = detectors.check_pitch(draft, book)
    specific = detectors.check_specific(draft, book, pitch)
    reason = detectors.check_reason(draft, book, pitch, specific)
    gap = detectors.check_gap(draft, book, kind)
    questions = detectors.check_questions(draft, book)
    outcomes = {
        "about_them": about,
        "no_pitch": pitch,
        "specific": specific,
        "clear_reason": reason,
        "owns_the_gap": gap,
        "asks_questions": questions,
    }
    results = []
    for principle in load_principles():
        outcome = outcomes.get(principle.id)
        status: Status = outcome.status if outcome else "n/a"
        findings: tuple[Finding, ...] = tuple(outcome.findings) if outcome else ()
        results.append(PrincipleResult(principle.id, principle.title, status, findings))
    statuses = {r.id: r.status for r in results}
    verdict = verdict_for(statuses)
    if draft.words < 3:
        notes.append("This is very short for an outreach message; there is little to judge.")
    return Review(
        score=score_for(statuses, verdict),
        verdict=verdict,
        kind=kind,
        source="rules",
        principles=tuple(results),
        questions=suggest_questions(draft.masked, kind, lower=draft.lower),
        notes=tuple(notes),
    )
