"""The structure of a draft as named numbers: what its opening, body and questions do.

Everything here is derived from the sentence acts (acts.py) and the draft's parts
(text.py); the principle checks and the learned weights read these features by name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from bot.rules.acts import ActBook, SentenceActs, analyse
from bot.rules.language import content_words
from bot.rules.scan import HAVE_RE2, compile_pattern, spans_after_boundary
from bot.rules.text import Draft

# Acts that put the sender, their offer or their wants forward.
SENDER_ACTS = (
    "self_intro", "credential", "offer", "result", "traction", "job_seek", "recruit",
    "invite", "reach_out", "bump",
)  # fmt: skip
PITCH_ACTS = (
    "offer",
    "result",
    "traction",
    "credential",
    "recruit",
    "invite",
    "self_praise",
    "brochure",
)
# A sentence about them with this many words of substance says something particular.
RICH_WORDS = 4
# Acts that are about the reader or what the two share.
THEIR_ACTS = (
    "their_work", "their_news", "shared_history", "indirect_question", "referral", "thanks_them",
    "perceive_them",
)  # fmt: skip
_ABOUT_THEM = (*THEIR_ACTS, "compliment", "question_genuine")
# Openers skipped before judging whom the opening is about.
# (Template filler such as "I came across your profile" is not substantive either.)
SKIPPABLE = frozenset(
    {"pleasantry", "question_pleasantry", "gap", "apology", "excuse", "recent", "compliment",
     "filler"}
)  # fmt: skip
# An opening sentence doing one of these is substantive, whatever else it does.
_SUBSTANTIVE = frozenset({*SENDER_ACTS, "their_work", "their_news", "shared_history"})
# A name: a capitalised word, an acronym, or a word with a capital inside (iOS, eBay); a run
# of them ("São Paulo", "Ostrava Parcel") is one name, so a two-word place counts as one.
_NAME_WORD = r"(?:[A-Z][\w&'’-]*[a-z0-9][\w&'’-]*|[A-Z]{2,}\w*|[a-z]+[A-Z][\w&'’-]*)"
_CAPITALISED = re.compile(rf"(?<![\w'’]){_NAME_WORD}(?: {_NAME_WORD})*")
# The same on RE2 for ASCII drafts (most of them), where its `\w` is Python's.
_CAPITALISED_RE2 = (
    compile_pattern(rf"(?:^|[^\w'’])({_NAME_WORD}(?: {_NAME_WORD})*)", cased=False, fast=True)
    if HAVE_RE2
    else None
)
# A number, not inside a word: `(?<![\w.])\$?\d[\d,.]*%?`. The first character is matched
# before the look-behind (which then reads the character before it), so the engine skips
# to the rare `$` and digits instead of trying every position.
_NUMBER = re.compile(r"[$\d](?<![\w.].)(?:(?<=\$)\d|(?<=\d))[\d,.]*%?")
# A quote: `["“][^"”\n]{8,120}["”]|(?<![\w'])'[^'\n]{8,120}'(?![\w'])`, written the same way.
_QUOTED = re.compile(
    r"[\"“'](?:(?<=[\"“])[^\"”\n]{8,120}[\"”]|(?<=')(?<![\w'].)[^'\n]{8,120}'(?![\w']))"
)
COMMON_CAPS = frozenset(
    "I I'm I've I'd I'll Hi Hey Hello Dear Thanks Thank Best Cheers Regards LinkedIn Linkedin "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Would Could Can Let Looking PS "
    "AI SaaS Just Quick Happy Great Good Also So And But The This That It We You Your My Our "
    "If When What How Why Is Are Do Does Did Have Has Had Will Zoom Google Slack Email Mr Mrs "
    "Ms Dr Prof".split()
)
# Job titles and employers say where someone works, not what they did: not a detail.
TITLE_WORDS = frozenset(
    "head director engineer engineering manager architect lead vp ceo cto cfo coo cmo founder "
    "co-founder support sales marketing product software senior staff principal president "
    "chief officer recruiter developer designer analyst scientist partner associate intern "
    "student professor team teams group solutions operations ops growth success customer "
    "research data platform infrastructure security design people talent hr".split()
)
_EMPLOYER_ENDS = (" at ", "@", " with ", " for ", " in ", "joined ", "joining ")
_EMPLOYER = re.compile(
    r"\b(?:work|works|working|worked|job|role|position|team|teams|experience|time|career|"
    r"you're|you are|are you|joined|joining|engineer|manager|director|lead|head|founder|ceo|"
    r"vp|intern|student|employee)\s+(?:[\w-]+\s+){0,3}?(?:at|@|with|for|in)\s+$|"
    r"\b(?:joined|joining)\s+$",
    re.I,
)


@dataclass(frozen=True)
class Question:
    start: int
    end: int
    kind: str  # "genuine", "cta" or "pleasantry"


class DraftFeatures:
    """A draft's sentences with their acts, its opening, its questions, and counts."""

    def __init__(self, draft: Draft, book: ActBook | None = None) -> None:
        self.draft = draft
        self.sentences: list[SentenceActs] = analyse(draft, draft.prose, book)
        self.body_end = draft.body[-1].end if draft.body else 0
        self.questions: list[Question] = []
        for sentence in self.sentences:  # questions become acts the rules can name
            if sentence.question:
                kind = self._question_kind(sentence)
                sentence.acts[f"question_{kind}"] = (sentence.start, sentence.end)
                self.questions.append(Question(sentence.start, sentence.end, kind))

    @cached_property
    def opening(self) -> list[SentenceActs]:
        """The first two substantive sentences: pleasantries, the gap and flattery skipped."""
        out: list[SentenceActs] = []
        for sentence in self.sentences:
            if not out and self._skippable(sentence):
                continue
            out.append(sentence)
            if len(out) == 2:
                break
        return out

    @staticmethod
    def _skippable(sentence: SentenceActs) -> bool:
        acts = sentence.acts.keys()
        if not acts.isdisjoint(_SUBSTANTIVE):
            return False
        return not acts.isdisjoint(SKIPPABLE) and not sentence.question

    def _question_kind(self, sentence: SentenceActs) -> str:
        if sentence.does("question_pleasantry"):
            return "pleasantry"
        if sentence.does("question_cta", "cta") and not sentence.does("indirect_question"):
            return "cta"
        if len(self.draft.masked[sentence.start : sentence.end].split()) < 3:
            return "pleasantry"
        return "genuine"

    def count(self, *acts: str) -> int:
        """How many sentences do any of `acts`."""
        if len(acts) == 1:
            return self.act_counts.get(acts[0], 0)
        return sum(1 for s in self.sentences if s.does(*acts))

    @cached_property
    def act_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for sentence in self.sentences:
            for name in sentence.acts:
                counts[name] = counts.get(name, 0) + 1
        return counts

    @cached_property
    def _all_details(self) -> dict[int, frozenset[str]]:
        """Names, numbers and quoted phrases of each sentence (by its start), found with one
        scan of the draft per kind; a sentence's first word and where-they-work are not."""
        text = self.draft.masked
        starts = [s.start for s in self.sentences]
        ends = [s.end for s in self.sentences]
        first_words = set(starts)
        found: dict[int, set[str]] = {}

        def file(position: int, token: str) -> None:
            index = bisect.bisect_right(starts, position) - 1
            if index >= 0 and position < ends[index]:
                found.setdefault(starts[index], set()).add(token)

        for position, stop in _capitalised(text):
            run = text[position:stop]
            if " " in run:
                words = run.split(" ")
                if position in first_words:
                    del words[0]  # a sentence's first word
                words = [w for w in words if _names_someone(w)]
                if not words:
                    continue
                run = " ".join(words)
            elif position in first_words or not _names_someone(run):
                continue
            before = text[max(0, position - 9) : position].lower()
            if before.endswith(_EMPLOYER_ENDS) and _EMPLOYER.search(
                text, max(0, position - 48), position
            ):
                continue  # "at Ramp": where they work
            file(position, run.lower())
        for match in _NUMBER.finditer(text):
            file(match.start(), match.group())
        for match in _QUOTED.finditer(text):
            file(match.start(), match.group().lower())
        return {start: frozenset(tokens) for start, tokens in found.items()}

    @cached_property
    def vector(self) -> dict[str, float]:
        """Every feature by name (the principle models read these)."""
        sentences = self.sentences
        n = max(1, len(sentences))
        opening = self.opening
        first = opening[0] if opening else None
        second = opening[1] if len(opening) > 1 else None
        first_acts = first.acts.keys() if first else frozenset()

        def opens(*acts: str) -> float:
            return float(not first_acts.isdisjoint(acts))

        # A sentence's names, numbers and quotes, unless the sender speaks of their own.
        all_details = self._all_details
        details = [
            frozenset()
            if s.subject == "sender" and s.acts.keys().isdisjoint(THEIR_ACTS)
            else all_details.get(s.start, frozenset())
            for s in sentences
        ]
        theirs = [
            i
            for i, s in enumerate(sentences)
            if s.subject == "recipient" or not s.acts.keys().isdisjoint(_ABOUT_THEM)
        ]
        concrete = sum(1 for i in theirs if details[i])
        lower = self.draft.lower
        substance = [content_words(lower[sentences[i].start : sentences[i].end]) for i in theirs]
        pitching = sum(1 for s in sentences if not s.acts.keys().isdisjoint(PITCH_ACTS))
        ps_start = self.draft.postscript[0].start if self.draft.postscript else None
        kinds = [q.kind for q in self.questions]
        out: dict[str, float] = {
            "open.sender_act": opens(*SENDER_ACTS),
            "open.their_act": opens(*THEIR_ACTS, "compliment"),
            "open.subject_sender": float(bool(first and first.subject == "sender")),
            "open.subject_recipient": float(bool(first and first.subject == "recipient")),
            "open.question": opens("question_genuine"),
            "open2.sender_act": float(bool(second and second.does(*SENDER_ACTS))),
            "open.self_intro": opens("self_intro", "credential"),
            "open.reach_out": opens("reach_out", "bump"),
            "open.offer": opens("offer", "result", "traction", "self_praise"),
            "open.job": opens("job_seek", "recruit"),
            "open.news": opens("their_news", "referral", "intro_request"),
            "open.perceive": opens("perceive_them", "thanks_them"),
            "open.work": opens("their_work", "shared_history", "engages_detail"),
            "open.filler": opens("filler"),
            "open.none": float(first is None),
            "sentences": float(len(sentences)),
            "words": float(self.draft.words),
            "sender_share": sum(1 for s in sentences if s.subject == "sender") / n,
            "recipient_share": len(theirs) / n,
            "details.their": float(len(frozenset().union(*(details[i] for i in theirs)))),
            "details.all": float(len(frozenset().union(*details))),
            "concrete_their": float(concrete),
            "content.their": float(len(set().union(*substance))),
            "rich_their": float(sum(1 for words in substance if len(words) >= RICH_WORDS)),
            "q.genuine": float(kinds.count("genuine")),
            "q.cta": float(kinds.count("cta")),
            "q.pleasantry": float(kinds.count("pleasantry")),
            "pitch.sentences": float(pitching),
            "pitch.share": pitching / n,
            "ps.pitch": float(
                ps_start is not None
                and any(s.does(*PITCH_ACTS) for s in sentences if s.start >= ps_start)
            ),
            "bullets": float(sum(1 for s in sentences if s.subject == "none")),
        }
        counts = self.act_counts
        out.update(_act_features())  # every act's count, zero unless it is counted here
        act_keys = _act_keys()
        for act, count in counts.items():
            if act in act_keys:
                out[act_keys[act]] = float(count)
        # A reference to them with a name, a number or a quote in it, or without any.
        detailed = [s.acts for s, d in zip(sentences, details, strict=True) if d]
        for act in ("their_work", "their_news", "shared_history", "compliment"):
            named = sum(1 for acts in detailed if act in acts)
            out[f"named.{act}"] = float(named)
            out[f"bare.{act}"] = float(counts.get(act, 0) - named)
        return out


def _names_someone(word: str) -> bool:
    return word not in COMMON_CAPS and word.lower() not in TITLE_WORDS


def _capitalised(text: str) -> Iterable[tuple[int, int]]:
    """Where each run of names starts and ends."""
    if _CAPITALISED_RE2 is not None and text.isascii():
        return spans_after_boundary(_CAPITALISED_RE2, text.encode())
    return (match.span() for match in _CAPITALISED.finditer(text))


@cache
def _act_keys() -> dict[str, str]:
    """The feature name of every act's count, by act."""
    from bot.rules.acts import load_acts

    return {act: f"act.{act}" for act in load_acts().names()}


@cache
def _act_features() -> dict[str, float]:
    return dict.fromkeys(_act_keys().values(), 0.0)
