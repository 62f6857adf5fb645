"""Deterministic rules: instant, offline, always available."""

from bot.rules.engine import MAX_DRAFT_CHARS, review_with_rules

__all__ = ["MAX_DRAFT_CHARS", "review_with_rules"]
