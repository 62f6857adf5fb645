"""What each sentence of a draft does and whom it is about (acts.yaml), found in few passes.

Speed matters: a review must take a fraction of a millisecond. Every act's "anywhere"
patterns are one RE2 automaton run once over the whole draft (UTF-8 encoded once, so the
wrapper does not re-encode per call), and each match is filed under its sentence. All
"lead" patterns (which must match where a sentence starts) are one automaton run once over
the draft with every sentence on a line of its own; the first act listed in acts.yaml
whose lead matches a sentence wins.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Literal, NamedTuple

from bot.principles import load_data
from bot.rules.lexicon import expand_pattern
from bot.rules.scan import (
    HAVE_RE2,
    Texts,
    compile_pattern,
    compile_set,
    finditer,
    group_span,
    join_patterns,
    which_match,
)
from bot.rules.text import Draft, Sentence

Subject = Literal["sender", "recipient", "third", "none"]

# Words that open a sentence without being its subject ("So, I ...", "Also, your ...").
MARKERS = (
    r"(?:(?:so|also|and|but|anyway|anyways|btw|ok|okay|well|honestly|plus|oh|hey|hi|hello|"
    r"p\.?\s?s\.?|ps|quick note|one more thing|first|firstly|second|lastly|finally|"
    r"separately|relatedly|fwiw|tl;?dr;?)\b[,:;.!—–-]*\s+)*"
)
_SUBJECT = re.compile(MARKERS + r"(?:(?:just|really|also|still|recently|actually)\s+)?([\w'’]+)")
_SENDER_WORDS = frozenset(
    "i i'm i've i'd i'll im ive we we're we've we'd we'll my our me us myself".split()
)
# The sender speaking of their own work or customers ("our", "we", "my clients", "it" for
# their product): a number without it is someone else's (the reader's own milestone).
_SENDER_SPEAKS = re.compile(
    r"\b(?:i|i'm|i've|we|we're|we've|our|ours|us|my|me|clients?|customers?|users?|it)\b"
)
_RECIPIENT_WORDS = frozenset("you you're you've you'd you'll your yours".split())
# A sentence that starts with one of these has an implied "I" ("Saw your talk", "Building…").
_IMPLIED_I = frozenset(
    "saw noticed read watched heard loved enjoyed wanted want hoping thought figured building "
    "built working reaching writing following circling checking bumping looking trying put "
    "came stumbled spotted caught found helping launching running happy glad excited keen "
    "curious planning sent attaching attached".split()
)


@dataclass(frozen=True)
class Act:
    name: str
    anywhere: tuple[tuple[Any, bool], ...]  # (regex, runs on the original-case text)
    overrides: frozenset[str] = frozenset()
    needs_sender: bool = False  # only in a sentence where the sender speaks of their own


@dataclass(frozen=True)
class AnywhereScan:
    """Every act's "anywhere" regexes in the order the acts run them, and (on RE2) one set per
    case that tells in a single pass which of them can match: the others are never run."""

    regexes: tuple[tuple[str, Any, bool], ...]  # (act name, regex, runs on the original case)
    # (set, runs on the original case, the index in `regexes` of each of its patterns)
    prefilters: tuple[tuple[Any, bool, tuple[int, ...]], ...] = ()

    def candidates(self, lined: Texts) -> list[tuple[str, Any, bool]]:
        if not self.prefilters:
            return list(self.regexes)
        chosen: list[int] = []
        for regex_set, on_original, positions in self.prefilters:
            data = lined.original if on_original else lined.lower
            chosen += [positions[index] for index in which_match(regex_set, data)]
        return [self.regexes[index] for index in sorted(chosen)]


@dataclass(frozen=True)
class ActBook:
    fast: bool  # RE2 on bytes; else Python's `re` on str (tests hold both to one answer)
    acts: tuple[Act, ...]
    # One regex per case for every act's lead patterns, with the act named by each group.
    leads: tuple[tuple[Any, bool, dict[int, str]], ...]
    anywhere: AnywhereScan = AnywhereScan(())

    def names(self) -> tuple[str, ...]:
        return tuple(act.name for act in self.acts)

    @cached_property
    def adjusting(self) -> tuple[Act, ...]:
        """The acts that take acts away once the scans are done, in order (the others
        would only be looked at)."""
        return tuple(act for act in self.acts if act.overrides or act.needs_sender)


@cache
def load_acts(fast: bool = True) -> ActBook:
    """The acts, compiled once; `fast=False` uses Python's engine only."""
    fast = fast and HAVE_RE2
    raw = load_data("acts.yaml")
    assert isinstance(raw, dict)
    acts: list[Act] = []
    lead_names: list[str] = []
    lead_parts: dict[bool, list[str]] = {False: [], True: []}
    for name, item in raw["acts"].items():
        by_case: dict[bool, list[str]] = {False: [], True: []}
        for pattern in item.get("anywhere", []):
            regex, cased = expand_pattern(pattern)
            by_case[cased].append(regex)
        compiled = tuple(
            (compile_pattern(join_patterns(group), cased=cased, fast=fast), cased)
            for cased, group in by_case.items()
            if group
        )
        acts.append(
            Act(
                name=name,
                anywhere=compiled,
                overrides=frozenset(item.get("overrides", ())),
                needs_sender=bool(item.get("needs_sender", False)),
            )
        )
        leads: dict[bool, list[str]] = {False: [], True: []}
        for pattern in item.get("lead", []):
            regex, cased = expand_pattern(pattern)
            leads[cased].append(regex)
        if leads[False] or leads[True]:
            index = len(lead_names)
            lead_names.append(name)
            for cased, group in leads.items():
                if group:
                    lead_parts[cased].append(f"(?P<a{index}>{join_patterns(group)})")
    compiled_leads = []
    for cased, parts in lead_parts.items():
        if not parts:
            continue
        regex = compile_pattern(
            "(?m)^" + MARKERS + "(?:" + "|".join(parts) + ")", cased=cased, fast=fast
        )
        groups = {
            number: lead_names[int((name.decode() if isinstance(name, bytes) else name)[1:])]
            for name, number in regex.groupindex.items()
        }
        compiled_leads.append((regex, cased, groups))
    return ActBook(fast, tuple(acts), tuple(compiled_leads), _anywhere_scan(acts, fast))


def _anywhere_scan(acts: list[Act], fast: bool) -> AnywhereScan:
    regexes = tuple(
        (act.name, regex, on_original) for act in acts for regex, on_original in act.anywhere
    )
    if not fast:
        return AnywhereScan(regexes)
    prefilters = []
    for case in (False, True):
        positions = tuple(index for index, item in enumerate(regexes) if item[2] == case)
        if positions:
            regex_set = compile_set([regexes[index][1].pattern for index in positions])
            prefilters.append((regex_set, case, positions))
    return AnywhereScan(regexes, tuple(prefilters))


class SentenceActs(NamedTuple):
    """One sentence: where it is, whom it is about, what it does (act -> first span)."""

    sentence: Sentence
    subject: Subject
    acts: dict[str, tuple[int, int]]
    question: bool

    @property
    def start(self) -> int:
        return self.sentence.start

    @property
    def end(self) -> int:
        return self.sentence.end

    def does(self, *names: str) -> bool:
        return not self.acts.keys().isdisjoint(names)

    def span(self, *names: str) -> tuple[int, int] | None:
        for name in names:
            if name in self.acts:
                return self.acts[name]
        return None


def subject_of(lower: str) -> Subject:
    match = _SUBJECT.match(lower)
    if not match:
        return "none"
    word = match.group(1).replace("’", "'")
    if word in _SENDER_WORDS or word in _IMPLIED_I:
        return "sender"
    if word in _RECIPIENT_WORDS:
        return "recipient"
    return "third"


def analyse(
    draft: Draft, sentences: Iterable[Sentence], book: ActBook | None = None
) -> list[SentenceActs]:
    """Every sentence's acts: one scan of the draft per act, and one for all the leads."""
    book = book or load_acts()
    chosen = list(sentences)
    if not chosen:
        return []
    starts = [s.start for s in chosen]
    found: list[dict[str, tuple[int, int]]] = [{} for _ in chosen]
    lined = Texts(draft, starts, book.fast)
    ends = [s.end for s in chosen]
    plain = lined.ascii  # byte offsets are character offsets: no mapping per match
    for name, regex, on_original in book.anywhere.candidates(lined):
        for begin, stop, _ in finditer(regex, lined.original if on_original else lined.lower):
            start = begin if plain else lined.char(begin, on_original)
            index = bisect.bisect_right(starts, start) - 1
            if index < 0 or start >= ends[index] or name in found[index]:
                continue
            found[index][name] = (start, stop if plain else lined.char(stop, on_original))
    for regex, on_original, groups in book.leads:
        for begin, stop, spans in finditer(regex, lined.original if on_original else lined.lower):
            start = lined.char(begin, on_original)
            index = bisect.bisect_right(starts, start) - 1
            if stop <= begin or index < 0 or start != chosen[index].start:
                continue
            act_name = next(
                (name for number, name in groups.items() if group_span(spans, number)[0] >= 0),
                None,
            )
            if act_name is not None:
                found[index].setdefault(act_name, (start, lined.char(stop, on_original)))
    for act in book.adjusting:
        if act.overrides:
            for acts in found:
                if act.name in acts:
                    for name in act.overrides:
                        acts.pop(name, None)
        if act.needs_sender:
            for index, acts in enumerate(found):
                if act.name in acts and not _SENDER_SPEAKS.search(
                    draft.lower, chosen[index].start, chosen[index].end
                ):
                    del acts[act.name]
    out = []
    lower = draft.lower
    for index, sentence in enumerate(chosen):
        text = lower[sentence.start : sentence.end]
        out.append(
            SentenceActs(
                sentence=sentence,
                subject=subject_of(text),
                acts=found[index],
                question=text.rstrip().endswith("?"),
            )
        )
    return out
