"""Outreach Review core: grades outreach drafts; knows nothing of Slack or Discord."""

from bot.models import Finding, PrincipleResult, Review
from bot.rules import review_with_rules

__all__ = ["Finding", "PrincipleResult", "Review", "review_with_rules"]
