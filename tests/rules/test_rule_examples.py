"""Every rule in rules.yaml carries two examples of its own: one it fires on, one it does not.

"Fires" means the rule's check matched (`run.fired[rule_id]` holds a span), whatever the
learned weights then decide for the principle.
"""

from __future__ import annotations

import pytest

from bot.rules.engine import analyse_draft
from bot.rules.rulebook import load_rulebook

RULES = load_rulebook().rules
IDS = [rule.id for rule in RULES]


def fired_on(text: str, rule_id: str) -> list[tuple[int, int]]:
    _, run, _ = analyse_draft(text)
    return run.fired[rule_id]


def test_every_rule_has_a_firing_and_a_quiet_example() -> None:
    missing = {
        rule.id: sorted({"fires", "quiet"} - {k for k, v in rule.examples.items() if v.strip()})
        for rule in RULES
    }
    assert not {k: v for k, v in missing.items() if v}
    assert all(rule.examples["fires"] != rule.examples["quiet"] for rule in RULES)


@pytest.mark.parametrize("rule_id", IDS)
def test_the_rule_fires_on_its_firing_example(rule_id: str) -> None:
    example = load_rulebook().by_id(rule_id).examples.get("fires", "")
    assert fired_on(example, rule_id), f"{rule_id} did not fire on {example!r}"


@pytest.mark.parametrize("rule_id", IDS)
def test_the_rule_stays_quiet_on_its_quiet_example(rule_id: str) -> None:
    example = load_rulebook().by_id(rule_id).examples.get("quiet", "")
    spans = fired_on(example, rule_id)
    quoted = [example[start:end] for start, end in spans]
    assert not spans, f"{rule_id} fired on {quoted} in its quiet example {example!r}"
