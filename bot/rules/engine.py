"""The rules engine: sentence acts, rules as evidence, weights to decide, one Review out.

1. The draft is split into its parts and every sentence's acts are found (acts.py).
2. Every rule of rules.yaml runs (checks.py); what fires is evidence with exact spans.
3. Each principle's learned model weighs the features and the rule counts (learned.py);
   a deciding rule, the kind (the gap is `n/a` for cold notes) or, without weights, the
   worst rule that fired settles a principle outright.
4. The statuses are decided together (decode.py), with the links declared in rules.yaml
   (a draft specific to them has a reason), so that the verdict and score that follow
   (scoring.py) are the likeliest, not a sum of near-even calls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.models import Finding, Kind, PrincipleResult, Review, Severity, Status
from bot.principles import load_principles
from bot.rules.acts import ActBook
from bot.rules.checks import RuleRun, where_missing
from bot.rules.decode import Call, decode
from bot.rules.features import DraftFeatures
from bot.rules.language import reads_as_english
from bot.rules.learned import THRESHOLD, Weights, load_weights, squash
from bot.rules.rulebook import Rule, RuleBook, fallback_id, load_rulebook
from bot.rules.scoring import score_for, verdict_for
from bot.rules.suggest import suggest_questions
from bot.rules.text import Draft

MAX_DRAFT_CHARS = 10_000
# A principle judged violated with at least this probability is a clear failure.
FAIL_AT = 0.75
# Findings shown per principle: the rest are folded into "and N more like this".
MAX_FINDINGS = 3
_RANK: dict[Status, int] = {"pass": 0, "warn": 1, "fail": 2}
_UNSET = object()


def review_with_rules(text: str) -> Review:
    """Grade a draft with the deterministic rules: pure, synchronous, no I/O."""
    return review_text(text, MAX_DRAFT_CHARS)


def analyse_draft(
    text: str | Draft, acts: ActBook | None = None
) -> tuple[DraftFeatures, RuleRun, dict[str, float]]:
    """The draft's view, the rules run on it, and every feature by name (for training)."""
    view = DraftFeatures(text if isinstance(text, Draft) else Draft(text), acts)
    run = RuleRun(view, load_rulebook())
    return view, run, {**view.vector, **run.features()}


def review_text(
    text: str, max_chars: int | None, weights: object = _UNSET, acts: ActBook | None = None
) -> Review:
    """The engine itself; `max_chars=None` reviews everything (for benchmarks of growth);
    `weights=None` decides by the rules alone; `acts=load_acts(False)` runs Python's `re`."""
    notes: list[str] = []
    if max_chars is not None and len(text) > max_chars:
        notes.append(
            f"The draft is {len(text):,} characters; only the first {max_chars:,} were "
            "reviewed. Outreach that long is rarely read: aim for under 150 words."
        )
        text = text[:max_chars]
    chosen = load_weights() if weights is _UNSET else weights
    assert chosen is None or isinstance(chosen, Weights)
    draft = Draft(text)
    if not reads_as_english(draft.masked):
        return _unread([*notes, NOT_ENGLISH])
    view, run, raw_values = analyse_draft(draft, acts)
    values = {name: squash(value) for name, value in raw_values.items() if value}
    probabilities = chosen.probabilities_squashed(values) if chosen is not None else {}
    book = load_rulebook()
    kind = decide_kind(view, probabilities, book)
    principles = load_principles()
    fired = {
        p.id: [(rule, span) for rule in book.for_principle(p.id) for span in run.fired[rule.id]]
        for p in principles
    }
    calls = {p.id: _call(p.id, fired[p.id], probabilities, book, kind) for p in principles}
    violated = decode(calls, book.links)
    statuses = {pid: _status(call, violated.get(pid)) for pid, call in calls.items()}
    results = [
        PrincipleResult(
            p.id, p.title, statuses[p.id],
            _findings(p.id, view, fired[p.id], book, statuses[p.id]) if violated.get(p.id) else (),
        )
        for p in principles
    ]  # fmt: skip
    verdict = verdict_for(statuses)
    if view.draft.words < 3:
        notes.append("This is very short for an outreach message; there is little to judge.")
    return Review(
        score=score_for(statuses, verdict),
        verdict=verdict,
        kind=kind,
        source="rules",
        principles=tuple(results),
        questions=suggest_questions(view.act_counts),
        notes=tuple(notes),
    )


NOT_ENGLISH = (
    "The built-in rules read English only, so they judged nothing here; a configured model "
    "reviews drafts in any language (see docs/llm.md)."
)


def _unread(notes: list[str]) -> Review:
    """A review that judges nothing: every principle n/a, never `send` (scoring.py)."""
    results = tuple(PrincipleResult(p.id, p.title, "n/a") for p in load_principles())
    statuses: dict[str, Status] = {p.id: "n/a" for p in results}
    verdict = verdict_for(statuses)
    return Review(
        score=score_for(statuses, verdict),
        verdict=verdict,
        kind="cold",
        source="rules",
        principles=results,
        questions=suggest_questions(()),
        notes=tuple(notes),
    )


def decide_kind(view: DraftFeatures, probabilities: Mapping[str, float], book: RuleBook) -> Kind:
    """`probabilities`: each learned model's, by name (none without weights)."""
    if view.count(*book.always_reconnect_when):
        return "reconnect"
    probability = probabilities.get("kind")
    if probability is not None:
        return "reconnect" if probability >= THRESHOLD else "cold"
    return "reconnect" if view.count(*book.reconnect_when) else "cold"


def _call(
    principle_id: str,
    fired: list[tuple[Rule, tuple[int, int]]],
    probabilities: Mapping[str, float],
    book: RuleBook,
    kind: Kind,
) -> Call:
    """What goes into the joint decision (decode.py): the model's probability, or a status
    settled before any weighing."""
    if principle_id == "owns_the_gap" and kind == "cold":
        return Call(0.0, "n/a")
    probability = probabilities.get(principle_id)
    if probability is None:
        worst = _worst([rule.severity for rule, _ in fired])
        return Call(float(worst != "pass"), worst)
    settings = book.principles.get(principle_id)
    settled = _worst([rule.severity for rule, _ in fired if rule.decides])
    if settled != "pass" and probability < FAIL_AT:
        return Call(probability, settled)
    if not fired and settings is not None and settings.needs_evidence:
        return Call(probability, "pass")
    return Call(probability)


def _worst(statuses: list[Severity]) -> Status:
    worst: Status = "pass"
    for status in statuses:
        if _RANK[status] > _RANK[worst]:
            worst = status
    return worst


def _status(call: Call, violated: bool | None) -> Status:
    if violated is None:
        return "n/a"
    if not violated:
        return "pass"
    if call.settled in ("warn", "fail"):
        return call.settled
    return "fail" if call.probability >= FAIL_AT else "warn"


def _findings(
    principle_id: str,
    view: DraftFeatures,
    fired: list[tuple[Rule, tuple[int, int]]],
    book: RuleBook,
    status: Status,
) -> tuple[Finding, ...]:
    severity: Severity = "fail" if status == "fail" else "warn"
    text = view.draft.text
    named: list[tuple[Rule, int, int]] = []
    taken: list[tuple[int, int]] = []
    for rule, (start, end) in fired:
        start, end = _trim(text, start, end)
        if any(start < e and s < end for s, e in taken):
            continue  # one finding per stretch of text: the first rule that names it
        taken.append((start, end))
        named.append((rule, start, end))
    if not named:
        fallback = book.fallbacks[principle_id]
        start, end = _trim(text, *where_missing(view, principle_id))
        return (
            Finding(
                principle_id, fallback_id(principle_id), severity, fallback.message,
                fallback.suggestion, text[start:end], start, end,
            ),
        )  # fmt: skip
    out = []
    for rule, start, end, repeats in _fold(named):
        if len(text[start:end].split()) < MIN_QUOTE_WORDS:
            start, end = _trim(text, *_clause(view, start, end))
        message = f"{rule.message} (and {repeats} more like this)" if repeats else rule.message
        out.append(
            Finding(
                principle_id, rule.id, severity, message, rule.suggestion,
                text[start:end], start, end,
            )
        )  # fmt: skip
    return tuple(out)


def _fold(named: list[tuple[Rule, int, int]]) -> list[tuple[Rule, int, int, int]]:
    """One finding per rule, the first in the text, with how many times it repeats (counted
    in its message: "and 2 more like this"); at most MAX_FINDINGS rules per principle."""
    first: dict[str, tuple[Rule, int, int]] = {}
    repeats: dict[str, int] = {}
    for rule, start, end in named:
        if rule.id in first:
            repeats[rule.id] = repeats.get(rule.id, 0) + 1
        else:
            first[rule.id] = (rule, start, end)
    kept = list(first.values())[:MAX_FINDINGS]
    return [(rule, start, end, repeats.get(rule.id, 0)) for rule, start, end in kept]


_CLAUSE_BREAK = re.compile(r"[,;:()\[\]\n]| - ")
MAX_CLAUSE = 120
# A quote shorter than this ("used by") is widened to its clause.
MIN_QUOTE_WORDS = 4


def _clause(view: DraftFeatures, start: int, end: int) -> tuple[int, int]:
    """The span widened to its clause (between commas, dashes or brackets within its
    sentence), so a quote reads as the words that carry the problem, not a fragment."""
    sentence = next((s for s in view.sentences if s.start <= start < s.end), None)
    if sentence is None or end > sentence.end:
        return start, end
    masked = view.draft.masked
    left, right = sentence.start, sentence.end
    for found in _CLAUSE_BREAK.finditer(masked, sentence.start, sentence.end):
        if found.end() <= start:
            left = found.end()
        elif found.start() >= end:
            right = found.start()
            break
    if right - left > MAX_CLAUSE:
        return start, end
    return left, right


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
