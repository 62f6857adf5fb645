"""Inside a worker process (see `bot.workers`): its priority and its job loop."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable, Coroutine
from multiprocessing.connection import Connection
from typing import Any

from bot.workers import Job, Jobs

log = logging.getLogger("outreach.workers")

# Where Linux's idle class is not available: about 1/70 of a normal process's CPU share.
WORKER_NICENESS = 19


def lower_priority() -> None:
    """Linux's idle class when it has one (the CPU a worker gets is what acks leave),
    else a high niceness."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    except (AttributeError, OSError):  # not Linux, or not permitted
        pass
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not permitted either: the same priority as the serving process
        pass


async def serve_jobs(
    jobs: Connection, handle: Callable[[Job], Coroutine[Any, Any, None]], grace: float
) -> None:
    """Run each job as its own task (model calls overlap) until the stop sentinel, then
    let the tasks finish for up to `grace` seconds."""
    tasks: set[asyncio.Task[None]] = set()
    while True:
        batch = await asyncio.to_thread(_next_batch, jobs)
        if batch is None:
            break
        for job in batch:
            task = asyncio.create_task(handle(job))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    if tasks:
        _, unfinished = await asyncio.wait(tasks, timeout=max(0.1, grace))
        if unfinished:
            log.warning("worker jobs cut short at shutdown", extra={"unfinished": len(unfinished)})


def _next_batch(jobs: Connection) -> Jobs | None:
    parent = multiprocessing.parent_process()
    while True:
        try:
            if jobs.poll(1.0):
                batch: Jobs | None = jobs.recv()
                return batch
        except (EOFError, OSError):
            return None
        if parent is not None and not parent.is_alive():  # the serving process is gone
            return None
