"""Loads the principles data file once; everything else asks this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

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


def load_data(name: str) -> object:
    """Parse a YAML file shipped in ``bot/data``."""
    text = resources.files("bot").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def load_principles() -> tuple[Principle, ...]:
    raw = load_data("principles.yaml")
    assert isinstance(raw, dict)
    principles = tuple(Principle(**item) for item in raw["principles"])
    missing = set(REQUIRED_IDS) - {p.id for p in principles}
    if missing:
        raise ValueError(f"principles.yaml lacks required principles: {sorted(missing)}")
    return principles


def principle_by_id(principle_id: str) -> Principle:
    for principle in load_principles():
        if principle.id == principle_id:
            return principle
    raise KeyError(principle_id)
