"""The drafts written for measuring (benchmarks/data/) stay usable by `make eval-written`:
every file reads as a labelled set, and every verdict is the rubric's rule applied to its
labels, so a hand edit that breaks the convention shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluate import LABELS, read_labelled
from bot.models import Status
from bot.rules.scoring import verdict_for

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
SETS = sorted(DATA.glob("written_*.jsonl"))


def test_the_written_sets_are_there() -> None:
    assert [p.name for p in SETS] == [
        "written_dev.jsonl",
        "written_holdout.jsonl",
        "written_holdout2.jsonl",
        "written_holdout3.jsonl",
    ]


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_each_verdict_follows_the_rubric_rule(path: Path) -> None:
    records = read_labelled(path)
    assert len(records) >= 240
    for record in records:
        statuses: dict[str, Status] = {
            principle: "n/a" if record[label] is None else ("fail" if record[label] else "pass")
            for label, principle in LABELS.items()
        }
        assert verdict_for(statuses) == record["verdict"], record["id"]
        assert (record["no_responsibility"] is None) == (record["kind"] == "cold"), record["id"]
