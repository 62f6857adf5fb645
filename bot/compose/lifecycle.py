"""Small process-lifecycle helpers for `serve`: the store opened and closed within a bound, tasks
awaited at shutdown, leaving at once."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
from typing import Any

from bot.blocking import bounded
from bot.store.reconnecting import ReconnectingStore

log = logging.getLogger("outreach.serve")


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
        # The type only: an exception's text can hold a draft (UnicodeError carries its input).
        error = type(exc).__name__
        log.warning("task failed at shutdown", extra={"task": task.get_name(), "error": error})


def exit_now(code: int) -> None:
    """Leave without joining worker threads: the console's stdin read, blocked in one, would
    otherwise keep the interpreter alive after a signal."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


async def open_store_within(store: ReconnectingStore, timeout: float) -> bool:
    """Open (and migrate) the store at start-up, waiting `timeout` s at most: past that,
    `serve` starts without it and the open goes on in its thread."""
    try:
        return bool(await bounded(store.connect, timeout=timeout))
    except TimeoutError:
        log.warning("store not answering; starting without it")
        return False


async def close_store_within(store: ReconnectingStore, timeout: float) -> None:
    """Close the store at shutdown, waiting `timeout` s at most: a frozen database must not
    hold the process (its thread is left behind, a daemon). A store call still running in
    its thread (a tick cut short, a review's count) is waited for, never closed under."""
    try:
        await bounded(functools.partial(store.close, wait_s=timeout / 2), timeout=timeout)
    except TimeoutError:
        log.warning("store did not close in time; counts since the last flush are lost")
    except Exception as exc:  # e.g. a store call still running in its thread
        log.warning("store close failed", extra={"error": type(exc).__name__})
