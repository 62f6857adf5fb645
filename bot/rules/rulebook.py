"""rules.yaml, loaded once into typed rules and per-principle settings, and checked.

Loading fails loudly on a rule that names an unknown act, scope, check kind or principle,
so a typo in the data is a start-up error, not a rule that silently never fires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from bot.models import Severity
from bot.principles import REQUIRED_IDS, load_data
from bot.rules.acts import load_acts

CHECKS = frozenset({"existence", "absence", "threshold", "conditional", "markup"})
SCOPES = frozenset({"opening", "opening2", "body", "closing", "ps", "all"})
SUBJECTS = frozenset({"sender", "recipient", "third", "none"})
# Acts the engine adds to a sentence from its question mark (features.py).
QUESTION_ACTS = frozenset({"question_genuine", "question_cta", "question_pleasantry"})


def fallback_id(principle_id: str) -> str:
    """The rule id of a finding the principle's model raised with no single rule firing."""
    return f"{principle_id}.weighed"


class RuleDataError(ValueError):
    """rules.yaml names something that does not exist."""


@dataclass(frozen=True)
class Condition:
    """What a check looks for: acts in a scope, a feature against a number, other rules."""

    check: str
    scope: str = "all"
    acts: tuple[str, ...] = ()
    subject: str | None = None
    feature: str | None = None
    below: float | None = None
    above: float | None = None
    rules: tuple[str, ...] = ()
    act_set: frozenset[str] = frozenset()  # `acts`, for fast membership tests


@dataclass(frozen=True)
class Rule:
    id: str
    principle: str
    severity: Severity
    message: str
    suggestion: str
    when: Condition
    unless: tuple[str, ...] = ()
    unless_scope: str = "all"
    examples: dict[str, str] = field(default_factory=dict)
    unless_set: frozenset[str] = frozenset()
    decides: bool = False  # the conventions settle it: fired means violated


@dataclass(frozen=True)
class PrincipleSettings:
    reads: tuple[str, ...]
    raises: tuple[str, ...] = ()  # features that may only raise the chance of a violation
    lowers: tuple[str, ...] = ()  # features that may only lower it
    passes_with: str | None = None
    needs_evidence: bool = False


@dataclass(frozen=True)
class Fallback:
    message: str
    suggestion: str


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    principles: dict[str, PrincipleSettings]
    fallbacks: dict[str, Fallback]
    kind_reads: tuple[str, ...]
    kind_raises: tuple[str, ...]
    kind_lowers: tuple[str, ...]
    reconnect_when: tuple[str, ...]
    always_reconnect_when: tuple[str, ...] = ()

    def known_ids(self) -> frozenset[str]:
        """Every id a finding can carry: the rules and each principle's weighed fallback."""
        return frozenset(rule.id for rule in self.rules) | {
            fallback_id(principle_id) for principle_id in self.fallbacks
        }

    @cached_property
    def links(self) -> dict[str, str]:
        """Principle -> the principle it passes with (`passes_with` in rules.yaml)."""
        return {pid: s.passes_with for pid, s in self.principles.items() if s.passes_with}

    def for_principle(self, principle_id: str) -> tuple[Rule, ...]:
        return self._by_principle.get(principle_id, ())

    def by_id(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    @cached_property
    def _by_principle(self) -> dict[str, tuple[Rule, ...]]:
        grouped: dict[str, list[Rule]] = {}
        for rule in self.rules:
            grouped.setdefault(rule.principle, []).append(rule)
        return {principle: tuple(rules) for principle, rules in grouped.items()}

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in reversed(self.rules)}  # the first of a repeated id

    @cached_property
    def feature_names(self) -> tuple[tuple[str, str], ...]:
        """(rule id, feature name) of every rule: `rule.<principle>.<rule id>`."""
        return tuple((rule.id, f"rule.{rule.principle}.{rule.id}") for rule in self.rules)


def _condition(item: dict[str, Any], known_acts: frozenset[str], where: str) -> Condition:
    check = item.get("check", "conditional" if "rules" in item else None)
    if "rules" in item:
        check = "rules"
    elif check not in CHECKS:
        raise RuleDataError(f"{where}: unknown check kind {check!r}")
    scope = item.get("scope", "all")
    if scope not in SCOPES:
        raise RuleDataError(f"{where}: unknown scope {scope!r}")
    acts = tuple(item.get("acts", ()))
    unknown = [act for act in acts if act not in known_acts]
    if unknown:
        raise RuleDataError(f"{where}: unknown acts {unknown}")
    subject = item.get("subject")
    if subject is not None and subject not in SUBJECTS:
        raise RuleDataError(f"{where}: unknown subject {subject!r}")
    return Condition(
        check=str(check),
        scope=scope,
        acts=acts,
        subject=subject,
        feature=item.get("feature"),
        below=item.get("below"),
        above=item.get("above"),
        rules=tuple(item.get("rules", ())),
        act_set=frozenset(acts),
    )


@cache
def load_rulebook() -> RuleBook:
    raw = load_data("rules.yaml")
    assert isinstance(raw, dict)
    known_acts = frozenset(load_acts().names()) | QUESTION_ACTS
    rules: list[Rule] = []
    for item in raw["rules"]:
        where = f"rules.yaml rule {item.get('id')!r}"
        if item.get("principle") not in REQUIRED_IDS:
            raise RuleDataError(f"{where}: unknown principle {item.get('principle')!r}")
        when = item.get("when", item) if item["check"] == "conditional" else item
        unless = tuple(item.get("unless", ()))
        if [act for act in unless if act not in known_acts]:
            raise RuleDataError(f"{where}: unknown acts in unless: {unless}")
        rules.append(
            Rule(
                id=item["id"],
                principle=item["principle"],
                severity=item["severity"],
                message=item["message"],
                suggestion=item["suggestion"],
                when=_condition(when, known_acts, where),
                unless=unless,
                unless_scope=item.get("unless_scope", "all"),
                examples=dict(item.get("examples", {})),
                unless_set=frozenset(unless),
                decides=bool(item.get("decides", False)),
            )
        )
    ids = {rule.id for rule in rules}
    for rule in rules:
        missing = [ref for ref in rule.when.rules if ref not in ids]
        if missing:
            raise RuleDataError(f"rules.yaml rule {rule.id!r}: unknown rules {missing}")
    principles = {
        pid: PrincipleSettings(
            reads=tuple(settings.get("reads", ["*"])),
            raises=tuple(settings.get("raises", ())),
            lowers=tuple(settings.get("lowers", ())),
            passes_with=settings.get("passes_with"),
            needs_evidence=bool(settings.get("needs_evidence", False)),
        )
        for pid, settings in raw["principles"].items()
    }
    fallbacks = {pid: Fallback(**item) for pid, item in raw["fallbacks"].items()}
    lacking = set(REQUIRED_IDS) - fallbacks.keys()
    if lacking:
        raise RuleDataError(f"rules.yaml: fallbacks missing for {sorted(lacking)}")
    return RuleBook(
        rules=tuple(rules),
        principles=principles,
        fallbacks=fallbacks,
        kind_reads=tuple(raw["kind"]["reads"]),
        kind_raises=tuple(raw["kind"].get("raises", ())),
        kind_lowers=tuple(raw["kind"].get("lowers", ())),
        reconnect_when=tuple(raw["kind"]["reconnect_when"]),
        always_reconnect_when=tuple(raw["kind"].get("always_reconnect_when", ())),
    )
