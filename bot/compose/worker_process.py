"""Inside a worker process (see `worker_pool`): its priority, its own core, its job loop.

A worker builds what the serving process builds (store connection, grader, service, tips)
with its metrics relayed to the serving process, and the Slack adapter's `SlackWorker`,
which runs each job it is handed (a `LazyCall`: bolt's lazy listener, by name).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Coroutine
from multiprocessing.connection import Connection
from typing import Any

from adapters.slack import SHUTDOWN_GRACE, SlackWorker
from bot.compose.metrics_relay import RelayMetrics
from bot.compose.wiring import build_service, tips_for
from bot.compose.worker_pool import Job, Jobs, review_id_prefix
from bot.logs import configure_logging
from bot.settings import Settings
from bot.store.reconnecting import ReconnectingStore

log = logging.getLogger("outreach.workers")

# Where Linux's idle class is not available: about 1/70 of a normal process's CPU share.
WORKER_NICENESS = 19
# Finish before the serving process's own grace runs out and it kills us.
WORKER_GRACE = SHUTDOWN_GRACE - 1.0


class WorkerTag(logging.Filter):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def filter(self, record: logging.LogRecord) -> bool:
        record.worker = self.index
        return True


def worker_main(settings: Settings, index: int, jobs: Connection, events: Connection) -> None:
    """Entry point of worker `index` (a spawned process)."""
    lower_priority()
    # Ctrl-C reaches the whole process group; the serving process leads the shutdown.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    handler = configure_logging(settings.log_level)
    handler.addFilter(WorkerTag(index))  # every line says which worker wrote it
    asyncio.run(run_worker(settings, index, jobs, events))


async def run_worker(settings: Settings, index: int, jobs: Connection, events: Connection) -> None:
    metrics = RelayMetrics(events)
    store = ReconnectingStore(settings.database_url)
    await asyncio.to_thread(store.connect)
    service = build_service(
        settings, store=store, metrics=metrics, review_id_prefix=review_id_prefix(index)
    )
    slack = SlackWorker(service, settings, tips_for=tips_for(store, settings, metrics))
    await slack.start()

    async def handle(job: Job) -> None:
        try:
            await slack.run(job.payload)
        finally:
            metrics.job_done()

    log.info("worker started", extra={"worker": index})
    relay = asyncio.create_task(metrics.relay_forever())
    try:
        await serve_jobs(jobs, handle, WORKER_GRACE)
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await slack.close()
        await service.aclose()
        await asyncio.to_thread(store.close)
    log.info("worker stopped", extra={"worker": index})


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
