"""Learned weights: one logistic model per principle (and one for the kind), as data.

`bot/data/weights.json` is written by `outreach-review train` (bot/rules/train.py) from a
labelled file and read here with plain Python: each model is a list of feature names, the
standardisation it was trained with, its coefficients and an intercept. A feature is
log1p-squashed before standardising, so one long list cannot dominate.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache, cached_property
from importlib import resources
from typing import Any

WEIGHTS_FILE = "weights.json"
# The data the features come from: weights trained on other versions of them are stale.
FEATURE_DATA = ("lexicon.yaml", "acts.yaml", "rules.yaml")
THRESHOLD = 0.5


def squash(value: float) -> float:
    return math.log1p(value) if value > 0 else 0.0


def _logistic(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def select(names: list[str], reads: tuple[str, ...]) -> list[str]:
    """The feature names a model reads: `reads` holds names and shell-style patterns; a
    pattern starting with `!` leaves out what it matches."""
    keep = [p for p in reads if not p.startswith("!")]
    drop = [p[1:] for p in reads if p.startswith("!")]
    return [
        name
        for name in names
        if any(fnmatchcase(name, p) for p in keep) and not any(fnmatchcase(name, p) for p in drop)
    ]


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    @cached_property
    def _folded(self) -> tuple[dict[str, float], float]:
        """Weights per squashed feature and the intercept at all-zero features, so that
        z = base + sum(weight * squashed value) runs over the (few) non-zero features."""
        weights = {
            name: coef / scale
            for name, scale, coef in zip(self.features, self.scale, self.coef, strict=True)
        }
        base = self.intercept - sum(
            coef * mean / scale
            for mean, scale, coef in zip(self.mean, self.scale, self.coef, strict=True)
        )
        return weights, base

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "coef": [round(v, 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> LogisticModel:
        return cls(
            features=tuple(raw["features"]),
            mean=tuple(raw["mean"]),
            scale=tuple(raw["scale"]),
            coef=tuple(raw["coef"]),
            intercept=float(raw["intercept"]),
        )


@dataclass(frozen=True)
class Weights:
    """A model per principle id, plus "kind" (probability that the draft is a reconnect)."""

    models: dict[str, LogisticModel]
    meta: dict[str, Any]

    def probabilities(self, values: Mapping[str, float]) -> dict[str, float]:
        """Every model's P(violated) from raw feature values."""
        return self.probabilities_squashed({k: squash(v) for k, v in values.items() if v})

    def probabilities_squashed(self, squashed: Mapping[str, float]) -> dict[str, float]:
        """Every model's P(violated) from features already squashed, zeros left out, in one
        pass over them."""
        totals = {name: model._folded[1] for name, model in self.models.items()}
        by_feature = self._by_feature
        for feature, value in squashed.items():
            for name, weight in by_feature.get(feature, ()):
                totals[name] += weight * value
        return {name: _logistic(z) for name, z in totals.items()}

    @cached_property
    def _by_feature(self) -> dict[str, tuple[tuple[str, float], ...]]:
        """(model name, weight) of every model that reads a feature."""
        readers: dict[str, list[tuple[str, float]]] = {}
        for name, model in self.models.items():
            for feature, weight in model._folded[0].items():
                readers.setdefault(feature, []).append((name, weight))
        return {feature: tuple(pairs) for feature, pairs in readers.items()}

    def to_json(self) -> str:
        body = {"meta": self.meta, "models": {k: m.to_dict() for k, m in self.models.items()}}
        return json.dumps(body, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Weights:
        raw = json.loads(text)
        models = {k: LogisticModel.from_dict(v) for k, v in raw["models"].items()}
        return cls(models=models, meta=dict(raw.get("meta", {})))


def data_fingerprint() -> str:
    """A hash of the data files the features are built from (stored with the weights)."""
    digest = hashlib.sha256()
    for name in FEATURE_DATA:
        digest.update(resources.files("bot").joinpath("data", name).read_bytes())
    return digest.hexdigest()[:16]


@cache
def load_weights() -> Weights | None:
    """The shipped weights, or None when the file is absent (the rules decide alone)."""
    path = resources.files("bot").joinpath("data", WEIGHTS_FILE)
    if not path.is_file():
        return None
    return Weights.from_json(path.read_text(encoding="utf-8"))
