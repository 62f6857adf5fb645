"""Loads the principles data file once; everything else asks this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml

ModelWarn = Literal["violation", "advice"]
MODEL_WARN_VALUES: tuple[ModelWarn, ...] = ("violation", "advice")
REQUIRED_IDS = (
    "about_them",
    "no_pitch",
    "specific",
    "clear_reason",
    "owns_the_gap",
    "asks_questions",
)


@dataclass(frozen=True)
class Principle:
    id: str
    title: str
    why: str
    fix: str
    bad: str
    good: str
    # How hard cases are decided (the labelling convention), for the prompt and the docs.
    convention: str = ""
    # What a model's "warn" on this principle means (see principles.yaml).
    model_warn: ModelWarn = "violation"

    @property
    def warn_is_advice(self) -> bool:
        return self.model_warn == "advice"


# libyaml's safe loader parses the data files ten times faster than the pure-Python one,
# which is most of a fresh process's start-up (`outreach-review review --no-llm FILE`).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_data(name: str) -> object:
    """Parse a YAML file shipped in ``bot/data``."""
    text = resources.files("bot").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_SAFE_LOADER)


@cache
def load_principles() -> tuple[Principle, ...]:
    raw = load_data("principles.yaml")
    assert isinstance(raw, dict)
    principles = tuple(Principle(**item) for item in raw["principles"])
    missing = set(REQUIRED_IDS) - {p.id for p in principles}
    if missing:
        raise ValueError(f"principles.yaml lacks required principles: {sorted(missing)}")
    wrong = [p.id for p in principles if p.model_warn not in MODEL_WARN_VALUES]
    if wrong:
        raise ValueError(f"principles.yaml: model_warn must be one of {MODEL_WARN_VALUES}: {wrong}")
    return principles


@cache
def load_kind_conventions() -> dict[str, str]:
    """How a draft's kind (cold or reconnect) is decided, from the same data file."""
    raw = load_data("principles.yaml")
    assert isinstance(raw, dict)
    kinds = raw.get("kinds")
    if not isinstance(kinds, dict) or set(kinds) != {"cold", "reconnect"}:
        raise ValueError("principles.yaml needs 'kinds' with a 'cold' and a 'reconnect' entry")
    return {kind: " ".join(str(text).split()) for kind, text in kinds.items()}


def principle_by_id(principle_id: str) -> Principle:
    for principle in load_principles():
        if principle.id == principle_id:
            return principle
    raise KeyError(principle_id)
