"""Deterministic rules: instant, offline, always available."""

from bot.rules.engine import MAX_DRAFT_CHARS, review_with_rules
from bot.rules.language import has_words
from bot.rules.text import mask

NOTHING_TO_REVIEW = (
    "There is nothing to review here: no words, only emoji, links or chat markup. "
    "Paste the text of the message you want to send."
)


def reviewable(text: str) -> bool:
    """Whether a draft has words to judge once links, markup and emoji are set aside."""
    return has_words(mask(text))


__all__ = ["MAX_DRAFT_CHARS", "NOTHING_TO_REVIEW", "review_with_rules", "reviewable"]
