"""Per-channel rotation: every tip once per cycle, each cycle in a new seeded order."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.tips.records import HistoryEntry


def cycle_order(
    tip_ids: Sequence[str], seed: int, cycle: int, avoid_first: str | None
) -> list[str]:
    """The channel's order for one cycle; never opens with the tip that closed the last one."""
    order = sorted(tip_ids)
    random.Random(f"{seed}:{cycle}").shuffle(order)
    if len(order) > 1 and order[0] == avoid_first:
        order[0], order[1] = order[1], order[0]
    return order


def next_tip(tip_ids: Sequence[str], history: Sequence[HistoryEntry], seed: int) -> tuple[str, int]:
    """(tip id, cycle) of the next tip for a channel with this posting history."""
    cycle = max((entry.cycle for entry in history), default=0)
    used = {entry.tip_id for entry in history if entry.cycle == cycle}
    remaining = [tip for tip in _order(tip_ids, history, seed, cycle) if tip not in used]
    if remaining:
        return remaining[0], cycle
    cycle += 1
    return _order(tip_ids, history, seed, cycle)[0], cycle


def _order(
    tip_ids: Sequence[str], history: Sequence[HistoryEntry], seed: int, cycle: int
) -> list[str]:
    closing = [entry.tip_id for entry in history if entry.cycle == cycle - 1]
    return cycle_order(tip_ids, seed, cycle, closing[-1] if closing else None)
