"""Each rule's precision on labelled drafts, written as data the model merge trusts (or not)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.evaluate import LABELS
from bot.llm.trust import RulePrecision, RuleTrust, load_rule_trust, parse_rule_trust
from bot.rule_precision import measure
from bot.rules import review_with_rules
from bot.rules.rulebook import load_rulebook
from tests.helpers import CLI_ENV

PITCH = (
    "Hi Marta,\n\nI'm the founder of Loopwise and we help companies like yours cut churn by 30%."
    "\nAre you free for a quick demo this week?\n\nBest,\nOwen\n"
)
BLAME = (
    "Hey Tom,\n\nLong time no talk! We lost touch after you stopped replying to my emails at "
    "Acme. Anyway, I'm now at Brightline and we help teams like yours ship faster.\n"
    "Are you free for a call?\n\nSam"
)


def labelled(text: str, violated: bool, kind: str = "reconnect") -> dict[str, Any]:
    labels: dict[str, Any] = dict.fromkeys(LABELS, violated)
    if kind == "cold":
        labels["no_responsibility"] = None
    return {"id": f"t-{violated}-{kind}", "text": text, "kind": kind, "verdict": "revise", **labels}


def fired_rules(text: str) -> dict[str, str]:
    review = review_with_rules(text)
    return {f.rule_id: f.principle_id for p in review.principles for f in p.findings}


def test_precision_counts_drafts_where_a_rule_fired_and_its_principle_is_labelled_violated() -> (
    None
):
    fired = fired_rules(PITCH)
    assert len(fired) >= 3  # the draft trips several rules, whatever their ids
    measured = measure([labelled(PITCH, True), labelled(PITCH, False), labelled(PITCH, True)])
    assert set(measured) == set(fired)
    for rule_id, m in measured.items():
        assert (m.principle, m.fired, m.correct) == (fired[rule_id], 3, 2)


def test_a_gap_rule_on_a_draft_labelled_cold_is_a_false_alarm() -> None:
    gap_rules = [r for r, p in fired_rules(BLAME).items() if p == "owns_the_gap"]
    assert gap_rules
    measured = measure([labelled(BLAME, True, kind="cold")])
    for rule_id in gap_rules:
        assert measured[rule_id].correct == 0 and measured[rule_id].fired == 1


def test_only_precise_rules_with_enough_support_are_trusted_and_unknown_ids_never() -> None:
    trust = RuleTrust(
        0.9,
        10,
        {
            "a": RulePrecision("no_pitch", 10, 9),
            "b": RulePrecision("no_pitch", 20, 17),
            "c": RulePrecision("no_pitch", 9, 9),
        },
    )
    assert trust.trusted("a") and not trust.trusted("b") and not trust.trusted("c")
    assert not trust.trusted("renamed.since")
    assert trust.trusted_ids() == ("a",)


def test_the_command_writes_data_the_merge_reads_back(tmp_path: Path) -> None:
    source = tmp_path / "labelled.jsonl"
    records = [labelled(PITCH, True, kind="cold")] * 10 + [labelled(BLAME, False)] * 2
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out = tmp_path / "precision.yaml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "eval",
            str(source),
            "--rule-precision",
            "--out",
            str(out),
        ],
        capture_output=True,
        env=CLI_ENV,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    trust = parse_rule_trust(yaml.safe_load(out.read_text(encoding="utf-8")))
    assert (trust.threshold, trust.min_support) == (0.9, 10)
    # Rules only in the pitch draft: 10 of 10 right, trusted; in both: 10 of 12, not.
    only_pitch = set(fired_rules(PITCH)) - set(fired_rules(BLAME))
    assert only_pitch and set(trust.trusted_ids()) == only_pitch
    stdout = result.stdout.decode()
    assert "trusted" in stdout and all(rule_id in stdout for rule_id in trust.rules)
    assert "12 labelled drafts" in out.read_text(encoding="utf-8")


def test_the_shipped_precision_file_names_only_rules_that_exist() -> None:
    known = load_rulebook().known_ids()
    stale = sorted(set(load_rule_trust().rules) - known)
    assert not stale, f"rule_precision.yaml is stale ({stale}): run `make rule-precision`"
