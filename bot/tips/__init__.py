"""Weekly channel tips: the library, per-channel rotation, commands, ticker and scheduler.

Nothing here imports SQLAlchemy; the store is reached through `bot.tips.records.TipsStore`.
"""

from bot.tips.commands import TipsCommands
from bot.tips.delivery import TickOutcome
from bot.tips.library import Tip, TipLibrary, load_library
from bot.tips.scheduler import run_scheduler
from bot.tips.ticker import Ticker

__all__ = [
    "TickOutcome",
    "Ticker",
    "Tip",
    "TipLibrary",
    "TipsCommands",
    "load_library",
    "run_scheduler",
]
