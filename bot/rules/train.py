"""Fitting the principle models (`outreach-review train`) and scoring them honestly
(`outreach-review eval --cv`): leave one source out, train on every other source.

Training needs NumPy (`pip install 'outreach-review[train]'`); reviewing never does.
Each model is an L2-regularised logistic regression fitted by Newton's method on the
log1p-squashed, standardised features its principle `reads` (rules.yaml).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from bot.evaluate import LABELS, EvalReport, add_result, source_group
from bot.models import Review
from bot.rules.engine import MAX_DRAFT_CHARS, analyse_draft, review_text
from bot.rules.learned import LogisticModel, Weights, data_fingerprint, select, squash
from bot.rules.rulebook import load_rulebook

# Inverse regularisation strength: small, because 243 drafts are few for ~40 features.
C = 0.1
NEWTON_STEPS = 25

Record = dict[str, Any]


class TrainingError(RuntimeError):
    """Training cannot run here (no NumPy) or the labelled data cannot support it."""


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise TrainingError(
            "training needs NumPy: pip install 'outreach-review[train]' (reviewing does not)"
        ) from None
    return numpy


@dataclass(frozen=True)
class Target:
    """What one model predicts and on which records it is trained."""

    name: str  # a principle id, or "kind"
    label: Callable[[Record], bool]
    applies: Callable[[Record], bool]
    reads: tuple[str, ...]
    raises: tuple[str, ...] = ()
    lowers: tuple[str, ...] = ()


def targets() -> list[Target]:
    book = load_rulebook()
    out = []
    for label, principle_id in LABELS.items():
        settings = book.principles[principle_id]
        link = settings.passes_with
        link_label = next((k for k, v in LABELS.items() if v == link), None)

        def applies(
            record: Record, label: str = label, link_label: str | None = link_label
        ) -> bool:
            if record.get(label) is None:
                return False
            if label == "no_responsibility" and record.get("kind") != "reconnect":
                return False
            # A principle that passes with another is only learned where that one fails.
            return link_label is None or bool(record.get(link_label))

        def truth(record: Record, label: str = label) -> bool:
            return bool(record[label])

        out.append(
            Target(principle_id, truth, applies, settings.reads, settings.raises, settings.lowers)
        )
    out.append(
        Target(
            "kind",
            lambda r: r["kind"] == "reconnect",
            lambda r: True,
            book.kind_reads,
            book.kind_raises,
            book.kind_lowers,
        )
    )
    return out


def feature_table(records: Iterable[Record]) -> list[dict[str, float]]:
    return [analyse_draft(r["text"][:MAX_DRAFT_CHARS])[2] for r in records]


def fit_logistic(rows: list[list[float]], labels: list[bool], c: float = C) -> tuple[Any, float]:
    """(coefficients, intercept) minimising log-loss + |w|^2 / (2c); intercept not penalised."""
    np = _numpy()
    x = np.asarray(rows, dtype=float)
    y = np.asarray(labels, dtype=float)
    n, d = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    weights = np.zeros(d + 1)
    penalty = np.eye(d + 1) / c
    penalty[d, d] = 0.0
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ weights, -30, 30)))
        gradient = design.T @ (p - y) + penalty @ weights
        hessian = (design.T * (p * (1 - p))) @ design + penalty + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return weights[:d], float(weights[d])


def train(
    records: list[Record], table: list[dict[str, float]] | None = None, c: float = C
) -> Weights:
    """Fit every target on `records` (features computed unless `table` is given) with
    inverse regularisation strength `c`."""
    np = _numpy()
    table = table if table is not None else feature_table(records)
    names = sorted(table[0]) if table else []
    models: dict[str, LogisticModel] = {}
    for target in targets():
        chosen = select(names, target.reads)
        rows = [i for i, r in enumerate(records) if target.applies(r)]
        labels = [target.label(records[i]) for i in rows]
        if not labels:
            raise TrainingError(f"{target.name}: no labelled records to learn it from")
        if len(set(labels)) < 2:  # one outcome only: its smoothed rate, whatever the draft
            rate = (sum(labels) + 0.5) / (len(labels) + 1)
            models[target.name] = LogisticModel((), (), (), (), math.log(rate / (1 - rate)))
            continue
        signs = [_sign(f, target) for f in chosen]
        raw = np.asarray([[squash(table[i].get(f, 0.0)) for f in chosen] for i in rows])
        mean = raw.mean(axis=0)
        scale = raw.std(axis=0)
        scale[scale < 1e-6] = 1.0
        standard = (raw - mean) / scale
        kept = list(range(len(chosen)))
        while True:  # drop the feature whose weight most contradicts its declared direction
            coef, intercept = fit_logistic(standard[:, kept].tolist(), labels, c)
            wrong = [
                (w * -signs[k], k) for w, k in zip(coef, kept, strict=True) if w * signs[k] < 0
            ]
            if not wrong:
                break
            kept.remove(max(wrong)[1])
        full = np.zeros(len(chosen))
        full[kept] = coef
        coef = full
        models[target.name] = LogisticModel(
            tuple(chosen), tuple(mean.tolist()), tuple(scale.tolist()), tuple(coef.tolist()),
            intercept,
        )  # fmt: skip
    meta = {
        "records": len(records),
        "c": c,
        "sources": len({_group(r) for r in records}),
        "data": data_fingerprint(),
    }
    return Weights(models=models, meta=meta)


def _sign(feature: str, target: Target) -> int:
    """+1 when the feature may only raise the chance of a violation, -1 when it may only
    lower it (rules.yaml `raises` / `lowers`), 0 when the data decides."""
    if any(fnmatchcase(feature, pattern) for pattern in target.raises):
        return 1
    if any(fnmatchcase(feature, pattern) for pattern in target.lowers):
        return -1
    return 0


def _group(record: Record) -> str:
    return source_group(str(record.get("source", "")))


def cross_validated_reviews(
    records: list[Record], table: list[dict[str, float]] | None = None, c: float = C
) -> list[Review]:
    """Each record's review by weights trained without its source group (leave one out)."""
    table = table if table is not None else feature_table(records)
    reviews: list[Review | None] = [None] * len(records)
    for group in sorted({_group(r) for r in records}):
        held = [i for i, r in enumerate(records) if _group(r) == group]
        kept = [i for i, r in enumerate(records) if _group(r) != group]
        weights = train([records[i] for i in kept], [table[i] for i in kept], c)
        for i in held:
            reviews[i] = review_text(records[i]["text"], MAX_DRAFT_CHARS, weights=weights)
    return [review for review in reviews if review is not None]


def cross_validate(
    records: list[Record], table: list[dict[str, float]] | None = None, c: float = C
) -> EvalReport:
    """Leave one source group out: train on the others, review the held-out drafts."""
    report = EvalReport()
    reviews = cross_validated_reviews(records, table, c)
    for record, review in zip(records, reviews, strict=True):
        add_result(report, record, review)
    return report


def weights_path() -> Any:
    """Where the shipped weights live: next to the other data files of the package."""
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "data" / "weights.json"
