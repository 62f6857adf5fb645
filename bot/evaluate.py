"""Scores a grader against labelled drafts (format: shared/eval/RUBRIC.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.models import Review

# Rubric label -> principle id. A label is true when the principle is violated.
LABELS: dict[str, str] = {
    "leads_with_self": "about_them",
    "pitch": "no_pitch",
    "generic": "specific",
    "no_reason": "clear_reason",
    "no_responsibility": "owns_the_gap",
    "no_question": "asks_questions",
}
VERDICTS = ("send", "revise", "rewrite")


# A source group must hold at least this many records to be named the worst group.
WORST_GROUP_MIN = 3


class LabelledDataError(ValueError):
    """A labelled file that cannot be read; the message says which line and why."""


def source_group(source: str) -> str:
    """Where a record came from, as a group: the repository of `owner/repo:path`, the host
    of a URL, `seed` for the seed articles. Leave-one-source-out holds out a whole group."""
    if source.startswith(("http://", "https://")):
        return urlparse(source).netloc or source
    if source.startswith("seed:"):
        return "seed"
    return source.split(":", 1)[0] or "unknown"


@dataclass
class GroupScore:
    """One source group: how often its verdicts and labels were right."""

    records: int = 0
    verdict_correct: int = 0
    labels_correct: int = 0
    labels_total: int = 0
    critical: int = 0

    @property
    def verdict_accuracy(self) -> float:
        return self.verdict_correct / self.records if self.records else 0.0

    @property
    def label_accuracy(self) -> float:
        return self.labels_correct / self.labels_total if self.labels_total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "verdict_accuracy": round(self.verdict_accuracy, 3),
            "label_accuracy": round(self.label_accuracy, 3),
            "critical_misses": self.critical,
        }


@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class EvalReport:
    total: int = 0
    labels: dict[str, LabelScore] = field(default_factory=lambda: {k: LabelScore() for k in LABELS})
    kind_correct: int = 0
    verdict_correct: int = 0
    confusion: dict[str, dict[str, int]] = field(
        default_factory=lambda: {t: dict.fromkeys(VERDICTS, 0) for t in VERDICTS}
    )
    critical: list[str] = field(default_factory=list)
    misses: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, GroupScore] = field(default_factory=dict)

    def worst_group(self) -> tuple[str, GroupScore] | None:
        big = [(g, s) for g, s in self.groups.items() if s.records >= WORST_GROUP_MIN]
        if not big:
            return None
        return min(big, key=lambda item: (item[1].verdict_accuracy, item[1].label_accuracy))

    @property
    def macro_f1(self) -> float:
        return sum(s.f1 for s in self.labels.values()) / len(self.labels)

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.total if self.total else 0.0

    @property
    def verdict_accuracy(self) -> float:
        return self.verdict_correct / self.total if self.total else 0.0

    @property
    def critical_rate(self) -> float:
        return len(self.critical) / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.total,
            "labels": {
                label: {
                    "principle": LABELS[label],
                    "precision": round(s.precision, 3),
                    "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3),
                    "support": s.support,
                }
                for label, s in self.labels.items()
            },
            "macro_f1": round(self.macro_f1, 3),
            "kind_accuracy": round(self.kind_accuracy, 3),
            "verdict_accuracy": round(self.verdict_accuracy, 3),
            "verdict_confusion": self.confusion,
            "critical_misses": {
                "count": len(self.critical),
                "rate": round(self.critical_rate, 3),
                "ids": self.critical,
            },
            "source_groups": {g: s.to_dict() for g, s in sorted(self.groups.items())},
            "worst_group": (worst[0] if (worst := self.worst_group()) else None),
        }


def read_labelled(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledDataError(f"line {number}: not JSON ({exc.msg})") from None
        missing = [k for k in ("text", "kind", "verdict", *LABELS) if k not in record]
        if missing:
            raise LabelledDataError(f"line {number}: missing {', '.join(missing)}")
        records.append(record)
    return records


def evaluate(records: Iterable[dict[str, Any]], grade: Callable[[str], Review]) -> EvalReport:
    report = EvalReport()
    for record in records:
        review = grade(record["text"])
        add_result(report, record, review)
    return report


def add_result(report: EvalReport, record: dict[str, Any], review: Review) -> None:
    report.total += 1
    rid = str(record.get("id", report.total))
    statuses = review.statuses()
    group = report.groups.setdefault(source_group(str(record.get("source", ""))), GroupScore())
    group.records += 1
    for label, principle_id in LABELS.items():
        truth = record[label]
        if label == "no_responsibility" and record["kind"] != "reconnect":
            continue
        if truth is None:
            continue
        predicted = statuses.get(principle_id) in ("warn", "fail")
        group.labels_total += 1
        group.labels_correct += predicted == bool(truth)
        score = report.labels[label]
        if predicted and truth:
            score.tp += 1
        elif predicted:
            score.fp += 1
            report.misses.setdefault(label, []).append(f"{rid}:fp")
        elif truth:
            score.fn += 1
            report.misses.setdefault(label, []).append(f"{rid}:fn")
        else:
            score.tn += 1
    report.kind_correct += review.kind == record["kind"]
    report.verdict_correct += review.verdict == record["verdict"]
    report.confusion[record["verdict"]][review.verdict] += 1
    group.verdict_correct += review.verdict == record["verdict"]
    if {record["verdict"], review.verdict} == {"send", "rewrite"}:
        report.critical.append(rid)
        group.critical += 1


def format_report(report: EvalReport) -> str:
    lines = [
        f"Records: {report.total}",
        "",
        f"{'label':<18} {'principle':<15} {'prec':>5} {'rec':>5} {'F1':>5} {'n':>4}",
    ]
    for label, s in report.labels.items():
        lines.append(
            f"{label:<18} {LABELS[label]:<15} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f} "
            f"{s.support:4d}"
        )
    lines += [
        "",
        f"macro-F1          {report.macro_f1:.3f}",
        f"kind accuracy     {report.kind_accuracy:.3f}",
        f"verdict accuracy  {report.verdict_accuracy:.3f}",
        "",
        "verdict confusion (rows: labelled, columns: predicted)",
        f"{'':<9}" + "".join(f"{v:>9}" for v in VERDICTS),
    ]
    for truth in VERDICTS:
        lines.append(f"{truth:<9}" + "".join(f"{report.confusion[truth][p]:>9}" for p in VERDICTS))
    lines += [
        "",
        f"critical misses   {len(report.critical)} ({report.critical_rate:.1%})"
        + (f": {', '.join(report.critical)}" if report.critical else ""),
    ]
    if len(report.groups) > 1:
        lines += ["", *format_groups(report)]
    return "\n".join(lines)


def format_groups(report: EvalReport) -> list[str]:
    """Per source group, weakest first: a rule that helps one source and hurts others shows."""
    ranked = sorted(
        report.groups.items(), key=lambda item: (item[1].verdict_accuracy, -item[1].records)
    )
    lines = [
        f"source groups: {len(report.groups)} (weakest first; verdict, labels right, n)",
    ]
    for name, score in ranked:
        lines.append(
            f"  {name[:44]:<44} {score.verdict_accuracy:5.2f} {score.label_accuracy:5.2f} "
            f"{score.records:4d}" + (f"  critical {score.critical}" if score.critical else "")
        )
    worst = report.worst_group()
    if worst is not None:
        name, score = worst
        lines.append(
            f"worst group (n >= {WORST_GROUP_MIN}): {name}: verdict {score.verdict_accuracy:.2f}, "
            f"labels {score.label_accuracy:.2f} over {score.records} records"
        )
    return lines
