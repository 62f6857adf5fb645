"""Small process-lifecycle helpers for `serve`: waiting on tasks at shutdown, leaving at once."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Any

log = logging.getLogger("outreach.serve")


class AdapterFailed(Exception):
    """An adapter cannot go on (e.g. the platform refused a token): `serve` prints the message,
    which names what to fix, and exits 1."""


async def settle_tasks(name_prefixes: tuple[str, ...], timeout: float) -> None:
    """Wait up to `timeout` s for the loop's tasks named with one of `name_prefixes` (work a
    library runs in its own tasks, e.g. discord.py's interaction handlers)."""
    pending = {
        t
        for t in asyncio.all_tasks()
        if t.get_name().startswith(name_prefixes) and t is not asyncio.current_task()
    }
    if pending and timeout > 0:
        await asyncio.wait(pending, timeout=timeout)


async def quietly(task: asyncio.Task[Any], *, timeout: float) -> None:
    """Await a task at shutdown: cancelled after `timeout`, its failure logged, not raised."""
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=timeout)
    except TimeoutError:
        task.cancel()
        log.warning("task did not stop in time", extra={"task": task.get_name()})
    except asyncio.CancelledError:
        pass
    except Exception as exc:  # already reported by `Runtime.wait`, or irrelevant once stopping
        log.warning("task failed at shutdown", extra={"task": task.get_name(), "error": repr(exc)})


def exit_now(code: int) -> None:
    """Leave without joining worker threads: the console's stdin read, blocked in one, would
    otherwise keep the interpreter alive after a signal."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
