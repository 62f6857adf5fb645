"""`Runtime`: the running `serve` process. It builds the core's parts once (store, service,
metrics, health), hands each adapter what it needs, and starts and stops it all in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

from bot.compose.health import Health, HealthServer
from bot.compose.lifecycle import close_store_within, open_store_within, quietly
from bot.compose.platforms import Platforms
from bot.compose.wiring import build_service, tips_for
from bot.compose.worker_pool import WorkerPool
from bot.metrics import MeteredPoster, Metrics
from bot.ports import Grader, TipPoster
from bot.service import ReviewService
from bot.settings import Settings
from bot.store.reconnecting import ReconnectingStore

if TYPE_CHECKING:
    from adapters.discord import OutreachBot
    from adapters.slack import SlackServer

log = logging.getLogger("outreach.serve")

EXIT_OK, EXIT_FAILED = 0, 1
# Opening (and migrating) the store at start waits this long at most; past it `serve` starts
# anyway, with the store down, and the open goes on in its thread.
STORE_START_TIMEOUT_S = 3.0


class Runtime:
    """The running process: store, service, adapters, scheduler, health; started and stopped
    in the right order."""

    def __init__(
        self,
        settings: Settings,
        platforms: Platforms,
        *,
        grader: Grader | None = None,
        store: ReconnectingStore | None = None,
        slack_client: Any = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        host: str = "0.0.0.0",
        grace: float | None = None,
        discord_ready_timeout: float = 2.0,
    ) -> None:
        self.settings = settings
        self.platforms = platforms
        self.host = host
        self.grace = settings.outreach_shutdown_grace if grace is None else grace
        self._discord_ready_timeout = discord_ready_timeout  # discord.py's wait for guilds
        self.metrics = Metrics()
        self.store = store if store is not None else ReconnectingStore(settings.database_url)
        if grader is None:
            self.service = build_service(settings, store=self.store, metrics=self.metrics)
        else:
            self.service = ReviewService(
                settings, grader=grader, store=self.store, metrics=self.metrics
            )
        self.tips_for = tips_for(self.store, settings, self.metrics)
        self.health = Health(self.metrics, self.store)
        self.slack: SlackServer | None = None
        self.discord: OutreachBot | None = None
        self.health_server: HealthServer | None = None
        self.workers: WorkerPool | None = None
        self._slack_client = slack_client
        self._stdin, self._stdout = stdin, stdout
        self._background_stop = asyncio.Event()
        self._discord_stop = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self.posters: dict[str, TipPoster] = {}  # each platform's, once started
        self.console_abandoned = False

    # --- start ---

    async def start(self) -> None:
        # Migrations now; logs once if the store is down.
        self.metrics.store_state(await open_store_within(self.store, STORE_START_TIMEOUT_S))
        posters = self.posters = self._build_adapters()
        self._start_tips(posters)
        if self.slack is not None:
            await self.slack.start()
        if self.discord is not None:
            from adapters.discord import run_discord

            self._tasks["discord"] = asyncio.create_task(
                run_discord(self.service, self.settings, self._discord_stop, bot=self.discord),
                name="serve-discord",
            )
        if self._needs_health_server():
            self.health_server = HealthServer(self.health, self.host, self.settings.health_port)
            await self.health_server.start()
        if self.platforms.console:
            from adapters.console import run_console

            console_tips = self.tips_for(posters["console"])
            self._tasks["console"] = asyncio.create_task(
                run_console(
                    self.service, self.settings, self._stdin, self._stdout, tips=console_tips
                ),
                name="serve-console",
            )
        log.info("serving", extra={"adapters": ",".join(self.adapter_names)})

    @property
    def adapter_names(self) -> list[str]:
        chosen = self.platforms
        return [n for n, on in (("slack", chosen.slack), ("discord", chosen.discord),
                                ("console", chosen.console)) if on]  # fmt: skip

    def _build_adapters(self) -> dict[str, TipPoster]:
        """The adapters chosen, each handed the service and its tips; their posters."""
        from adapters.console_tips import ConsoleTipPoster

        # With the console running, a tip posted to it is shown to its reader, not as JSON.
        console_poster = ConsoleTipPoster(self._stdout, readable=self.platforms.console)
        posters: dict[str, TipPoster] = {"console": console_poster}
        if self.platforms.slack:
            from adapters.slack import SlackServer, build_client

            http_mode = not self.settings.slack_app_token
            if self.settings.outreach_workers > 0:
                self.workers = self._start_workers()
            self.slack = SlackServer(
                self.service,
                self.settings,
                client=self._slack_client or build_client(self.settings),
                host=self.host,
                routes=self.health.routes() if http_mode else (),
                tips_for=self.tips_for,
                jobs=self.workers,
            )
            posters["slack"] = self.slack.poster
            self.health.add_check("slack", self.slack.connected)
        if self.platforms.discord:
            from adapters.discord import build_bot

            bot = self.discord = build_bot(
                self.service,
                self.settings,
                tips_for=self.tips_for,
                guild_ready_timeout=self._discord_ready_timeout,
            )
            posters["discord"] = bot.poster

            async def discord_ready() -> bool:
                return bot.is_ready() and not bot.is_closed()

            self.health.add_check("discord", discord_ready)
        return posters

    def _start_workers(self) -> WorkerPool:
        from bot.compose.worker_process import worker_main

        pool = WorkerPool(self.settings, self.settings.outreach_workers, worker_main, self.metrics)
        pool.start()

        async def workers_alive() -> bool:
            return pool.alive()

        self.health.add_check("workers", workers_alive)
        return pool

    def _start_tips(self, posters: Mapping[str, TipPoster]) -> None:
        from bot.tips import Ticker, load_library, run_scheduler

        metered = {name: MeteredPoster(poster, self.metrics) for name, poster in posters.items()}
        ticker = Ticker(self.store, load_library(), metered, self.settings)
        self._tasks["scheduler"] = asyncio.create_task(
            run_scheduler(ticker, self._background_stop, settle_s=self.grace),
            name="serve-scheduler",
        )

    def _needs_health_server(self) -> bool:
        slack_http = self.slack is not None and self.slack.mode == "http"
        return (self.platforms.slack or self.platforms.discord) and not slack_http

    @property
    def health_url(self) -> str:
        if self.slack is not None and self.slack.mode == "http":
            return f"http://{self.host}:{self.slack.port}"
        assert self.health_server is not None, "no health endpoints in console-only mode"
        return self.health_server.url

    # --- run and stop ---

    async def wait(self, stop: asyncio.Event) -> int:
        """Until `stop` is set, the console ends, or an adapter fails; the exit code."""
        stopper = asyncio.create_task(stop.wait(), name="serve-stop")
        never = asyncio.Event()  # without Slack, nothing to fail
        slack = asyncio.create_task(self.slack.failure() if self.slack else never.wait())
        watched = {slack, *(t for n, t in self._tasks.items() if n in ("console", "discord"))}
        done, _ = await asyncio.wait({stopper, *watched}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        slack.cancel()
        if slack in done:
            slack.result()  # AdapterFailed (Slack refused a token) propagates to serve()
        console = self._tasks.get("console")
        if console is not None and console in done:
            return int(console.result())
        discord = self._tasks.get("discord")
        if discord is not None and discord in done:
            discord.result()  # a SettingsError (token rejected) propagates to serve()
            log.error("discord adapter stopped unexpectedly")
            return EXIT_FAILED
        log.info("shutting down", extra={"grace_s": self.grace})
        return EXIT_OK

    async def shutdown(self) -> None:
        """Stop taking work, let in-flight work finish for up to `grace` s, close it all; the
        store last, once nothing uses it (a tick, a review, a worker, a console)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.grace

        def left(at_least: float = 1.0) -> float:
            return max(at_least, deadline - loop.time())

        self.health.draining = True
        self.service.begin_drain()
        self._background_stop.set()  # no new tick; the one under way settles
        slack_stopping = (
            asyncio.create_task(self.slack.stop(grace=self.grace)) if self.slack else None
        )
        workers_stopping = (
            asyncio.create_task(self._stop_workers(slack_stopping, deadline))
            if self.workers
            else None
        )
        unfinished = await self.service.drain(deadline - loop.time())
        if self.discord is not None:
            from adapters.discord import settle_work

            await settle_work(deadline - loop.time())
        if unfinished:
            log.warning("reviews cut short at shutdown", extra={"unfinished": unfinished})
        self._discord_stop.set()
        console = self._tasks.get("console")
        if console is not None and not console.done():
            self.console_abandoned = True  # its stdin read is blocked in a thread
            console.cancel()
        for task in self._tasks.values():
            await quietly(task, timeout=left())
        if slack_stopping is not None:
            await quietly(slack_stopping, timeout=left())
        if workers_stopping is not None:
            await quietly(workers_stopping, timeout=left() + 5)
        if self.health_server is not None:
            await self.health_server.stop()
        await self.service.aclose()
        await close_store_within(self.store, left(0.5))
        log.info("stopped")

    async def _stop_workers(
        self, slack_stopping: asyncio.Task[None] | None, deadline: float
    ) -> None:
        """Once Slack takes no more requests (so no more jobs), let the workers finish theirs."""
        assert self.workers is not None
        loop = asyncio.get_running_loop()
        if slack_stopping is not None:
            await asyncio.wait({slack_stopping}, timeout=max(0.1, deadline - loop.time()))
        await self.workers.stop(grace=max(1.0, deadline - loop.time()))
