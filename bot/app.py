"""Composition root: builds the service with what the settings ask for."""

from __future__ import annotations

import logging

from bot.ports import Grader
from bot.service import ReviewService
from bot.settings import Settings

log = logging.getLogger("outreach.app")


def build_grader(settings: Settings, *, use_llm: bool = True) -> Grader | None:
    """The model grader when one is configured and wanted; `openai` is imported only then."""
    if not use_llm or not settings.llm_enabled:
        return None
    from bot.llm import build_grader as build_llm_grader

    return build_llm_grader(settings)


def build_service(settings: Settings, *, use_llm: bool = True) -> ReviewService:
    return ReviewService(settings, grader=build_grader(settings, use_llm=use_llm))
