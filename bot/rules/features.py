"""The structure of a draft as named numbers: what its opening, body and questions do.

Everything here is derived from the sentence acts (acts.py) and the draft's parts
(text.py); the principle checks and the learned weights read these features by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from bot.rules.acts import ActBook, SentenceActs, analyse
from bot.rules.details import names_something, sentence_details
from bot.rules.language import content_words, plain_word_count
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
    "their_work", "their_news", "shared_history", "indirect_question", "thanks_them",
    "perceive_them",
)  # fmt: skip
_ABOUT_THEM = (*THEIR_ACTS, "compliment", "question_genuine")
# What the sender is asking for or offering: with a name in it (a role, a programme, an event)
# the reader can judge the reason; without one it is "exploring opportunities".
PURPOSE_ACTS = (
    "job_seek", "recruit", "purpose", "intro_request", "mutual_contact", "invite", "reason_link",
)  # fmt: skip
# Openers that hang a note on the reader ("Congrats on the round", "Ana suggested I write"):
# followed at once by the sender's own thing, the note still leads with the sender.
TRIGGER_ACTS = (
    "their_news", "referral", "perceive_them", "compliment", "shared_history", "thanks_them",
)  # fmt: skip
# Openers skipped before judging whom the opening is about.
# (Template filler such as "I came across your profile" is not substantive either.)
SKIPPABLE = frozenset(
    {"pleasantry", "question_pleasantry", "gap", "apology", "excuse", "recent", "compliment",
     "filler"}
)  # fmt: skip
# An opening sentence doing one of these is substantive, whatever else it does.
_SUBSTANTIVE = frozenset({*SENDER_ACTS, "their_work", "their_news", "shared_history"})


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
        found = sentence_details(
            self.draft.masked,
            [
                s
                for s in sentences
                if s.subject != "sender" or not s.acts.keys().isdisjoint(THEIR_ACTS)
            ],
        )
        details = [found.get(s.start, frozenset()) for s in sentences]
        theirs = [
            i
            for i, s in enumerate(sentences)
            if s.subject == "recipient" or not s.acts.keys().isdisjoint(_ABOUT_THEM)
        ]
        concrete = sum(1 for i in theirs if details[i])
        lower = self.draft.lower
        substance = [content_words(lower[sentences[i].start : sentences[i].end]) for i in theirs]
        pitching = self.count(*PITCH_ACTS)
        ps_start = self.draft.postscript[0].start if self.draft.postscript else None
        kinds = [q.kind for q in self.questions]
        out: dict[str, float] = {
            "open.sender_act": opens(*SENDER_ACTS),
            "open.their_act": opens(*THEIR_ACTS, "compliment"),
            "open.subject_sender": float(bool(first and first.subject == "sender")),
            "open.subject_recipient": float(bool(first and first.subject == "recipient")),
            "open.question": opens("question_genuine"),
            "open2.sender_act": float(bool(second and second.does(*SENDER_ACTS))),
            "open2.after_trigger": float(
                bool(second and opens(*TRIGGER_ACTS) and second.does(*SENDER_ACTS))
            ),
            "open.self_intro": opens("self_intro", "credential"),
            "open.reach_out": opens("reach_out", "bump"),
            "open.offer": opens("offer", "result", "traction", "self_praise"),
            "open.job": opens("job_seek", "recruit"),
            "open.news": opens("their_news", "referral", "intro_request", "mutual_contact"),
            "open.perceive": opens("perceive_them", "thanks_them"),
            "open.work": opens("their_work", "shared_history", "engages_detail"),
            "open.filler": opens("filler"),
            "open.none": float(first is None),
            "sentences": float(len(sentences)),
            "words": float(plain_word_count(self.draft.masked)),
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
        purposes = [s for s in sentences if s.does(*PURPOSE_ACTS)]
        named_purposes = sum(
            1 for s in purposes if names_something(self.draft.masked, s.start, s.end)
        )
        out["purpose.named"] = float(named_purposes)
        out["purpose.bare"] = float(len(purposes) - named_purposes)
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


@cache
def _act_keys() -> dict[str, str]:
    """The feature name of every act's count, by act."""
    from bot.rules.acts import load_acts

    return {act: f"act.{act}" for act in load_acts().names()}


@cache
def _act_features() -> dict[str, float]:
    return dict.fromkeys(_act_keys().values(), 0.0)
