"""The code detectors: where positions, counts or absences matter.

Each detector returns the status of one principle and its findings. Phrase
lists come from `rules.yaml` (the `RuleBook`); only the logic is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.models import Finding, Kind, Status
from bot.rules.patterns import KNOWN_EACH_OTHER, PatternRule, RuleBook
from bot.rules.text import MERGE_FIELD, Draft, Sentence

_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine)\b", re.I)
_SECOND_PERSON = re.compile(r"\b(?:you|you're|you've|you'd|you'll|your|yours|yourself)\b", re.I)
_SENDER = re.compile(r"\b(?:i|i'm|i've|me|my|we|we're|we've|our|us|this is)\b", re.I)
_IMPLIED_I = re.compile(
    r"^(?:just |really |also )?(?:wanted|want|reached|building|built|put|figured|thought|working|"
    r"bumping|following|circling|checking|hoping|looking|trying|writing|reaching)\b",
    re.I,
)
_CAPITALISED = re.compile(r"(?-i:\b[A-Z][\w&'-]*[a-z0-9]\w*)|\b\d[\d,.]*%?|\$\d[\d,.]*[kmb]?", re.I)
_COMMON_CAPS = frozenset(
    "I I'm I've I'd I'll Hi Hey Hello Dear Thanks Thank Best Cheers Regards LinkedIn Linkedin "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Would Could Can Let Looking P.S PS "
    "AI SaaS Just Quick Happy Great Good".split()
)


# A job seeker's achievements are a pitch, but the job is still a reason for writing.
_SELF_MARKETING = frozenset({"pitch.achievements"})


@dataclass
class Outcome:
    status: Status = "pass"
    findings: list[Finding] = field(default_factory=list)

    def add(self, draft: Draft, rule: PatternRule, start: int, end: int) -> None:
        start, end = _trim(draft.text, start, end)
        self.findings.append(
            Finding(
                principle_id=rule.principle,
                rule_id=rule.id,
                severity=rule.severity,
                message=rule.message,
                suggestion=rule.suggestion,
                quote=draft.text[start:end],
                start=start,
                end=end,
            )
        )
        if rule.severity == "fail" or self.status == "pass":
            self.status = rule.severity


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def pattern_findings(draft: Draft, book: RuleBook, principle_id: str, outcome: Outcome) -> None:
    """Run a principle's pattern rules in one scan; no overlapping duplicates."""
    matcher = book.for_principle(principle_id)
    taken: list[tuple[int, int]] = []
    # In text order, so the earliest of two overlapping matches wins whichever engine found it.
    matches = sorted(matcher.finditer(draft.masked, draft.lower), key=lambda m: m.start())
    for match in matches:
        if match.end() <= match.start():
            continue
        if any(match.start() < e and s < match.end() for s, e in taken):
            continue
        taken.append((match.start(), match.end()))
        outcome.add(draft, book.rules[matcher.tag_of(match)], match.start(), match.end())


def draft_signal(draft: Draft, book: RuleBook, name: str) -> re.Match[str] | None:
    """The first match of a signal list in the whole draft, searched once per draft."""
    memo = draft.signal_memo
    if name not in memo:
        memo[name] = book.signals[name].search(draft.masked, draft.lower)
    return memo[name]


def opening(draft: Draft, book: RuleBook) -> list[Sentence]:
    """The first substantive sentences after the greeting, pleasantries skipped."""
    body = list(draft.body)
    # Sentences about the gap open a reconnect note; they are skipped like pleasantries and
    # judged by the gap principle. An excuse ("Crazy year.") too, unless the sender speaks
    # of themselves in it ("I haven't heard back" is about the sender).
    skip = tuple(book.signals[n] for n in ("pleasantry", "ownership", "lapse"))
    blame = book.signals["blame"]

    def skippable(sentence: Sentence) -> bool:
        lower = draft.lower[sentence.start : sentence.end]
        if any(signal.search(sentence.text, lower) for signal in skip):
            return True
        return bool(blame.search(sentence.text, lower)) and not _FIRST_PERSON.search(lower)

    while body and skippable(body[0]):
        body.pop(0)
    return body[:2]


def detect_kind(draft: Draft, book: RuleBook) -> Kind:
    known = any(draft_signal(draft, book, name) for name in KNOWN_EACH_OTHER)
    return "reconnect" if known else "cold"


def check_about_them(draft: Draft, book: RuleBook) -> Outcome:
    outcome = Outcome()
    rule = book.rules["about_them.opening"]
    first_two = opening(draft, book)
    if not first_two:
        return outcome
    first = first_two[0]
    sig = book.signals
    theirs = len(_SECOND_PERSON.findall(first.text))
    # An introduction in the second sentence still leads, unless the first was about them.
    for sentence in first_two if theirs == 0 else first_two[:1]:
        if sig["self_intro"].search(sentence.text):
            outcome.add(draft, rule, sentence.start, sentence.end)
            return outcome
    if sig["self_opening"].search(first.text.strip()):
        outcome.add(draft, rule, first.start, first.end)
        return outcome
    clause = first.text.strip()
    mine = len(_FIRST_PERSON.findall(clause)) + (1 if _IMPLIED_I.match(clause) else 0)
    about_them = sig["perception"].search(clause) or sig["referral"].search(clause)
    if mine > 0 and theirs == 0 and not about_them:
        outcome.add(draft, rule, first.start, first.end)
    return outcome


def check_pitch(draft: Draft, book: RuleBook) -> Outcome:
    outcome = Outcome()
    pattern_findings(draft, book, "no_pitch", outcome)
    return outcome


def _named_details(draft: Draft) -> int:
    """Distinct names and numbers in sentences not about the sender (sentence starts excluded)."""
    seen: set[str] = set()
    for sentence in draft.body:
        text = sentence.text
        if _SENDER.search(text) and not _SECOND_PERSON.search(text):
            continue  # "I'm Sam from Acme" names the sender, not them
        for match in _CAPITALISED.finditer(text):
            token = match.group(0)
            if match.start() and token not in _COMMON_CAPS:
                seen.add(token.lower())
    return len(seen)


def check_specific(draft: Draft, book: RuleBook, pitch: Outcome) -> Outcome:
    outcome = Outcome()
    for match in MERGE_FIELD.finditer(draft.text) if draft.may_have_merge_fields else ():
        outcome.add(draft, book.rules["specific.merge-field"], match.start(), match.end())
    pattern_findings(draft, book, "specific", outcome)
    details = draft_signal(draft, book, "specific_detail") is not None
    if outcome.findings:
        if details:  # filler next to a real detail is a warning, not a failure
            outcome.status = "warn"
        return outcome
    if details:
        return outcome
    vague = draft_signal(draft, book, "vague_detail")
    like_yours = any(f.rule_id == "pitch.we-help" and "like" in f.quote for f in pitch.findings)
    if vague or like_yours or _named_details(draft) < 3:
        target = vague.span() if vague else _first_span(draft)
        outcome.add(draft, book.rules["specific.no-detail"], *target)
    return outcome


def check_reason(draft: Draft, book: RuleBook, pitch: Outcome, specific: Outcome) -> Outcome:
    outcome = Outcome()
    pattern_findings(draft, book, "clear_reason", outcome)
    if outcome.findings:
        return outcome
    selling = [f for f in pitch.findings if f.rule_id not in _SELF_MARKETING]
    if specific.status == "fail" and selling:
        outcome.add(draft, book.rules["reason.pitch-only"], *selling[0].span())
        return outcome
    if specific.status == "pass" or draft_signal(draft, book, "purpose"):
        return outcome
    empty_ask = draft_signal(draft, book, "empty_ask")
    if empty_ask or specific.status == "fail":
        span = empty_ask.span() if empty_ask else _last_span(draft)
        outcome.add(draft, book.rules["reason.none"], *span)
    return outcome


def check_gap(draft: Draft, book: RuleBook, kind: Kind) -> Outcome:
    if kind == "cold":
        return Outcome(status="n/a")
    outcome = Outcome()
    sig = book.signals
    blame = draft_signal(draft, book, "blame")
    if blame:
        outcome.add(draft, book.rules["gap.blame"], *blame.span())
        return outcome
    if draft_signal(draft, book, "ownership"):
        return outcome
    if not draft_signal(draft, book, "lapse") and sig["recent_contact"].search(
        draft.masked, draft.lower
    ):
        return outcome
    gap = draft_signal(draft, book, "reconnect")
    span = gap.span() if gap else _first_span(draft)
    outcome.add(draft, book.rules["gap.not-owned"], *span)
    return outcome


def check_questions(draft: Draft, book: RuleBook) -> Outcome:
    outcome = Outcome()
    sig = book.signals
    body_start = draft.body[0].start if draft.body else 0
    body_end = draft.body[-1].end if draft.body else 0
    if sig["indirect_question"].search(draft.masked[:body_end], draft.lower[:body_end]):
        return outcome
    cta: tuple[int, int] | None = None
    for start, end in _questions(draft.masked, body_start, body_end):
        asked = draft.masked[start:end]
        if sig["pleasantry_question"].search(asked) or sig["cta_question"].search(asked):
            cta = cta or (start, end)
        elif len(asked.split()) >= 3:  # any other real question is about them
            return outcome
    if cta is not None:
        outcome.add(draft, book.rules["questions.cta-only"], *cta)
    else:
        outcome.add(draft, book.rules["questions.none"], *_last_span(draft))
    return outcome


def _questions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the questions in text[start:end], each back to the previous sentence end."""
    spans = []
    position = text.find("?", start, end)
    while position != -1:
        begin = max(text.rfind(c, start, position) for c in ".!?\n") + 1
        spans.append((max(begin, start), position + 1))
        position = text.find("?", position + 1, end)
    return spans


def _first_span(draft: Draft) -> tuple[int, int]:
    body = draft.body or draft.sentences
    return (body[0].start, body[0].end) if body else (0, 0)


def _last_span(draft: Draft) -> tuple[int, int]:
    body = draft.body or draft.sentences
    return (body[-1].start, body[-1].end) if body else (0, 0)
