"""Which rules may decide a status in the model merge: those measured precise on labelled drafts.

`bot/data/rule_precision.yaml` is generated (`make rule-precision`, i.e. `outreach-review eval
--rule-precision ../shared/eval/dev.jsonl`). A rule is trusted when its precision reaches the
file's threshold on at least its minimum support; a rule id the file does not list is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from bot.principles import load_data

PRECISION_FILE = "rule_precision.yaml"


@dataclass(frozen=True)
class RulePrecision:
    principle: str
    fired: int  # labelled drafts where the rule fired (its support)
    correct: int  # of those, drafts labelled as violating the rule's principle

    @property
    def precision(self) -> float:
        return self.correct / self.fired if self.fired else 0.0


@dataclass(frozen=True)
class RuleTrust:
    threshold: float
    min_support: int
    rules: Mapping[str, RulePrecision] = field(default_factory=dict)

    def trusted(self, rule_id: str) -> bool:
        measured = self.rules.get(rule_id)
        if measured is None:
            return False
        return measured.fired >= self.min_support and measured.precision >= self.threshold

    def trusted_ids(self) -> tuple[str, ...]:
        return tuple(sorted(rule_id for rule_id in self.rules if self.trusted(rule_id)))


NO_TRUST = RuleTrust(threshold=1.0, min_support=1)


def parse_rule_trust(raw: object) -> RuleTrust:
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), dict):
        raise ValueError(f"{PRECISION_FILE}: expected 'threshold', 'min_support' and 'rules'")
    rules = {
        str(rule_id): RulePrecision(
            str(item["principle"]), int(item["fired"]), int(item["correct"])
        )
        for rule_id, item in raw["rules"].items()
    }
    return RuleTrust(float(raw["threshold"]), int(raw["min_support"]), rules)


@cache
def load_rule_trust() -> RuleTrust:
    return parse_rule_trust(load_data(PRECISION_FILE))
