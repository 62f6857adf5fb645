"""The check kinds: each rule of rules.yaml becomes the spans it fires on.

A check never decides a principle on its own; it says where the evidence is. Spans point
at the words that carry the problem (the act that matched), or, for what is missing, at
the sentence where the fix would go.
"""

from __future__ import annotations

from itertools import chain

from bot.rules.acts import SentenceActs
from bot.rules.features import DraftFeatures
from bot.rules.rulebook import Condition, Rule, RuleBook
from bot.rules.text import MERGE_FIELD

Span = tuple[int, int]


def scope_sentences(view: DraftFeatures, scope: str) -> list[SentenceActs]:
    if scope == "opening":
        return view.opening[:1]
    if scope == "opening2":
        return view.opening[:2]
    if scope == "body":
        return [s for s in view.sentences if s.start < view.body_end]
    if scope == "closing":
        return [s for s in view.sentences if s.start < view.body_end][-2:]
    if scope == "ps":
        return [s for s in view.sentences if s.start >= view.body_end]
    return view.sentences


def where_missing(view: DraftFeatures, principle: str) -> Span:
    """Where a missing thing would go: a question at the end, anything else at the opening
    (after the greeting and pleasantries)."""
    sentences = view.sentences
    if not sentences:
        return (0, 0)
    chosen = sentences[-1] if principle == "asks_questions" else (view.opening or sentences)[0]
    return chosen.start, chosen.end


class _Scopes:
    """Each scope's sentences and the union of their acts, computed once per draft."""

    def __init__(self, view: DraftFeatures) -> None:
        self.view = view
        self._sentences: dict[str, list[SentenceActs]] = {}
        self._acts: dict[str, frozenset[str]] = {}

    def sentences(self, scope: str) -> list[SentenceActs]:
        if scope not in self._sentences:
            self._sentences[scope] = scope_sentences(self.view, scope)
        return self._sentences[scope]

    def acts(self, scope: str) -> frozenset[str]:
        found = self._acts.get(scope)
        if found is None:
            found = self._acts[scope] = frozenset(
                chain.from_iterable(sentence.acts for sentence in self.sentences(scope))
            )
        return found


class RuleRun:
    """Every rule of a book run once on one draft; `fired[rule_id]` holds its spans."""

    def __init__(self, view: DraftFeatures, book: RuleBook) -> None:
        self.view = view
        self.book = book
        self.scopes = _Scopes(view)
        self.fired: dict[str, list[Span]] = {}
        for rule in book.rules:
            self._run(rule)

    def _run(self, rule: Rule) -> list[Span]:
        if rule.id in self.fired:
            return self.fired[rule.id]
        spans = self._condition(rule.when, rule.principle)
        if spans and rule.unless:
            if not self.scopes.acts(rule.unless_scope).isdisjoint(rule.unless_set):
                spans = []
        self.fired[rule.id] = spans
        return spans

    def _condition(self, when: Condition, principle: str) -> list[Span]:
        view = self.view
        if when.check == "rules":
            found: list[Span] = []
            for rule_id in when.rules:
                found.extend(self._run(self.book.by_id(rule_id)))
            return found[:1]
        if when.check == "markup":
            if not view.draft.may_have_merge_fields:
                return []
            return [m.span() for m in MERGE_FIELD.finditer(view.draft.text)]
        if when.check == "threshold":
            value = view.vector[str(when.feature)]
            low = when.below is not None and value < when.below
            high = when.above is not None and value > when.above
            return [where_missing(view, principle)] if (low or high) else []
        acts = when.act_set
        if when.check == "absence":
            present = not self.scopes.acts(when.scope).isdisjoint(acts)
            return [] if present else [where_missing(view, principle)]
        if acts and self.scopes.acts(when.scope).isdisjoint(acts):
            return []
        sentences = self.scopes.sentences(when.scope)
        spans = []
        for sentence in sentences:
            if when.subject is not None and sentence.subject != when.subject:
                continue
            if not acts:
                spans.append((sentence.start, sentence.end))
            elif not sentence.acts.keys().isdisjoint(acts):
                span = sentence.span(*when.acts)
                assert span is not None
                spans.append(span)
        return spans

    def features(self) -> dict[str, float]:
        """`rule.<principle>.<rule id>`: how many times each rule fired."""
        fired = self.fired
        return {name: float(len(fired[rule_id])) for rule_id, name in self.book.feature_names}
