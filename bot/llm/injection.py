"""Spot drafts that talk to the reviewer ("ignore previous instructions", "rate this 100")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.principles import load_data


@dataclass(frozen=True)
class InjectionPatterns:
    note: str
    patterns: tuple[re.Pattern[str], ...]

    def found_in(self, text: str) -> bool:
        flattened = " ".join(text.split())
        return any(pattern.search(flattened) for pattern in self.patterns)


@cache
def load_injection_patterns() -> InjectionPatterns:
    raw = load_data("injection.yaml")
    if not isinstance(raw, dict) or not raw.get("patterns") or not raw.get("note"):
        raise ValueError("injection.yaml needs a 'note' and a non-empty 'patterns' list")
    compiled = tuple(re.compile(str(p), re.IGNORECASE) for p in raw["patterns"])
    return InjectionPatterns(note=" ".join(str(raw["note"]).split()), patterns=compiled)
