"""Building the core's parts from the settings, once: the service and the tips commands."""

from __future__ import annotations

from bot.llm import build_grader
from bot.metrics import MeteredPoster, Metrics
from bot.ports import ServiceStore, TipPoster, TipsFor
from bot.service import ReviewService
from bot.settings import Settings
from bot.tips import TipsCommands, load_library
from bot.tips.records import TipsStore


def build_service(
    settings: Settings,
    *,
    store: ServiceStore | None = None,
    metrics: Metrics | None = None,
    review_id_prefix: str = "",
) -> ReviewService:
    """With the model grader when one is configured (`openai` is imported only then); with
    `metrics`, every model call is counted (outcome, tokens, latency)."""
    grader = build_grader(settings, on_call=metrics.model_call if metrics else None)
    return ReviewService(
        settings, grader=grader, store=store, metrics=metrics, review_id_prefix=review_id_prefix
    )


def tips_for(store: TipsStore, settings: Settings, metrics: Metrics) -> TipsFor:
    """What an adapter calls with its poster to get its tips commands (posts are counted)."""
    library = load_library()

    def commands(poster: TipPoster) -> TipsCommands:
        posters = {poster.platform: MeteredPoster(poster, metrics)}
        return TipsCommands(store, library, posters, settings)

    return commands
