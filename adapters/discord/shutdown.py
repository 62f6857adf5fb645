"""At shutdown: the reviews discord.py is still running in its own tasks."""

from __future__ import annotations

import asyncio

# discord.py runs each interaction and event in a task with one of these names.
WORK_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord.py: on_raw_reaction_add",
)


async def settle_work(timeout: float) -> None:
    """Wait up to `timeout` s for the interactions and reactions being handled now."""
    pending = {
        t
        for t in asyncio.all_tasks()
        if t.get_name().startswith(WORK_TASKS) and t is not asyncio.current_task()
    }
    if pending and timeout > 0:
        await asyncio.wait(pending, timeout=timeout)
