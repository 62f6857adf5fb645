"""A Slack worker process (`OUTREACH_WORKERS`): the slow half of each listener, run here.

The serving process acks and hands over a `Job` (the listener's name and Slack's payload);
this process holds its own service, store connection, Web API client and HTTP session and
runs the same plain functions a lazy listener would (`app.WORK`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import replace
from multiprocessing.connection import Connection

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import WORK, build_client, perform
from adapters.slack.deps import SlackDeps
from adapters.slack.oauth import open_installations
from adapters.slack.poster import SlackTipPoster
from adapters.slack.server import SHUTDOWN_GRACE
from bot.app import ReconnectingStore, build_grader
from bot.logs import configure_logging
from bot.metrics import MeteredPoster
from bot.relay import RelayMetrics
from bot.service import ReviewService
from bot.settings import Settings
from bot.worker_loop import lower_priority, serve_jobs
from bot.workers import Job, review_id_prefix

log = logging.getLogger("outreach.slack.worker")

# Finish before the serving process's own grace runs out and it kills us.
WORKER_GRACE = SHUTDOWN_GRACE - 1.0


class WorkerTag(logging.Filter):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def filter(self, record: logging.LogRecord) -> bool:
        record.worker = self.index
        return True


def worker_main(
    settings: Settings,
    index: int,
    jobs: Connection,
    events: Connection,
) -> None:
    """Entry point of worker `index` (a spawned process)."""
    lower_priority()
    # Ctrl-C reaches the whole process group; the serving process leads the shutdown.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    handler = configure_logging(settings.log_level)
    handler.addFilter(WorkerTag(index))  # every line says which worker wrote it
    asyncio.run(run_worker(settings, index, jobs, events))


async def run_worker(
    settings: Settings,
    index: int,
    jobs: Connection,
    events: Connection,
) -> None:
    from bot.tips import TipsCommands, load_library

    metrics = RelayMetrics(events)
    store = ReconnectingStore(settings.database_url)
    await asyncio.to_thread(store.connect)
    service = ReviewService(
        settings,
        grader=build_grader(settings, metrics=metrics),
        store=store,
        metrics=metrics,
        review_id_prefix=review_id_prefix(index),
    )
    client = build_client(settings)
    installations = open_installations(settings)
    poster = MeteredPoster(SlackTipPoster(client, installations), metrics)
    service.tips = TipsCommands(store, load_library(), {"slack": poster}, settings)
    deps = SlackDeps.build(service, settings, client)
    deps.http = aiohttp.ClientSession()

    async def handle(job: Job) -> None:
        if job.kind not in WORK:
            log.error("unknown job", extra={"kind": job.kind})
            return
        scoped = deps
        if job.token is not None:  # another workspace's token (OAuth)
            scoped = replace(deps, client=with_token(client, job.token))
        try:
            await perform(scoped, job.kind, job.payload)
        finally:
            metrics.job_done()

    log.info("worker started", extra={"worker": index})
    relay = asyncio.create_task(metrics.relay_forever())
    try:
        await serve_jobs(jobs, handle, WORKER_GRACE)
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await deps.http.close()
        await service.aclose()
        if installations is not None:
            installations.close()
        await asyncio.to_thread(store.close)
    log.info("worker stopped", extra={"worker": index})


def with_token(client: AsyncWebClient, token: str) -> AsyncWebClient:
    scoped = AsyncWebClient(token=token, base_url=client.base_url, timeout=client.timeout)
    scoped.retry_handlers = list(client.retry_handlers)
    return scoped
