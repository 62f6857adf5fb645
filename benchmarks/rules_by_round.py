"""Do the rules score the same on messages they were tuned on and on messages they were not?

Run: `.venv/bin/python benchmarks/rules_by_round.py [EVAL_DIR] [--save FILE] [--against FILE]`
(EVAL_DIR defaults to ../shared/eval). Prints the rules' figures on dev split by labelling
round: the first 76 messages (the ones the old phrase lists were tuned on) and the 167 after.
The rules are read leave one source out (weights trained without the draft's source group)
when this checkout can train, else as shipped. `--save` writes each record's review;
`--against` compares per source group with reviews saved from another checkout. The phrase
lists this replaced, measured the same way:

    git worktree add /tmp/phrases 03b9bfb48ec70f7917bf169de48145bdb582cb1d
    PYTHONPATH=/tmp/phrases .venv/bin/python benchmarks/rules_by_round.py --save /tmp/old.json
    .venv/bin/python benchmarks/rules_by_round.py --against /tmp/old.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from bot.evaluate import LABELS, EvalReport, add_result, read_labelled
from bot.models import Review
from bot.rules import review_with_rules

CLARIFIED_FROM = 77  # RUBRIC: the clarifications apply from dev-077
Saved = dict[str, dict[str, Any]]


def reviews(records: list[dict[str, Any]]) -> tuple[str, list[Review]]:
    try:
        from bot.rules.train import cross_validated_reviews
    except ImportError:
        return "as shipped", [review_with_rules(r["text"]) for r in records]
    return "leave one source out", cross_validated_reviews(records)


def later(record: dict[str, Any]) -> bool:
    number = record["id"].rpartition("-")[2]
    return number.isdigit() and int(number) >= CLARIFIED_FROM


def figures(pairs: list[tuple[dict[str, Any], Review]]) -> str:
    report = EvalReport()
    for record, review in pairs:
        add_result(report, record, review)
    return (
        f"macro-F1 {report.macro_f1:.3f}  verdict {report.verdict_accuracy:.3f}  "
        f"critical {len(report.critical)} ({report.critical_rate:.1%})  "
        f"kind {report.kind_accuracy:.3f}"
    )


def labels_right(record: dict[str, Any], statuses: dict[str, str]) -> tuple[int, int]:
    right = total = 0
    for label, principle in LABELS.items():
        if record.get(label) is None:
            continue
        if label == "no_responsibility" and record.get("kind") != "reconnect":
            continue
        total += 1
        right += (statuses[principle] in ("warn", "fail")) == bool(record[label])
    return right, total


def compare(records: list[dict[str, Any]], mine: Saved, theirs: Saved) -> None:
    from bot.evaluate import source_group  # not in the older checkouts this script measures

    per_group: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for record in records:
        group = per_group[source_group(str(record.get("source", "")))]
        new, total = labels_right(record, mine[record["id"]]["statuses"])
        old, _ = labels_right(record, theirs[record["id"]]["statuses"])
        group[0] += new
        group[1] += old
        group[2] += total
    better = sum(1 for new, old, _ in per_group.values() if new > old)
    worse = sum(1 for new, old, _ in per_group.values() if new < old)
    same = len(per_group) - better - worse
    print(
        f"labels right per source group, this checkout against the saved reviews: "
        f"better in {better}, the same in {same}, worse in {worse} (of {len(per_group)})"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", nargs="?", default="../shared/eval", type=Path)
    parser.add_argument("--save", type=Path, help="write each record's review here")
    parser.add_argument("--against", type=Path, help="reviews saved from another checkout")
    args = parser.parse_args(argv)
    path = args.eval_dir / "dev.jsonl"
    if not path.is_file():
        print(f"needs {path}", file=sys.stderr)
        return 2
    records = read_labelled(path)
    how, reviewed = reviews(records)
    pairs = list(zip(records, reviewed, strict=True))
    print(f"{len(records)} drafts, the rules read {how}")
    for name, chosen in (("first 76", False), ("167 after", True)):
        part = [(r, v) for r, v in pairs if later(r) == chosen]
        print(f"  {name:<10} ({len(part):>3})  {figures(part)}")
    print(f"  {'all':<10} ({len(pairs):>3})  {figures(pairs)}")
    mine = {r["id"]: {"statuses": v.statuses(), "verdict": v.verdict} for r, v in pairs}
    if args.save:
        args.save.write_text(json.dumps(mine), "utf-8")
    if args.against:
        compare(records, mine, json.loads(args.against.read_text("utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
