"""`outreach-review serve`: every adapter with credentials in one asyncio process, plus the tips
scheduler and the health endpoints; the console when no platform is configured.

`serve()` is the CLI entry; `run_services()` is the async entry tests drive in-process;
`Runtime` holds the running pieces (start, wait, graceful shutdown). This module is the
composition root, the one place in `bot/` that imports the adapters (lazily).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO, cast

from bot.app import ReconnectingStore, build_grader
from bot.health import Health, HealthServer
from bot.lifecycle import (
    AdapterFailed,
    close_store_within,
    exit_now,
    open_store_within,
    quietly,
    settle_tasks,
)
from bot.metrics import MeteredPoster, Metrics
from bot.platforms import Platforms, choose_platforms
from bot.ports import Grader, TipPoster
from bot.service import ReviewService
from bot.settings import Settings, SettingsError
from bot.workers import WorkerPool

if TYPE_CHECKING:
    from adapters.discord import OutreachBot
    from adapters.slack import SlackServer

log = logging.getLogger("outreach.serve")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
# Opening (and migrating) the store at start waits this long at most; past it `serve` starts
# anyway, with the store down, and the open goes on in its thread.
STORE_START_TIMEOUT_S = 3.0
# discord.py runs each interaction and event in a task with one of these names.
DISCORD_WORK_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord.py: on_raw_reaction_add",
)


class Runtime:
    """The running process: store, service, adapters, scheduler, health; started and stopped
    in the right order."""

    def __init__(
        self,
        settings: Settings,
        platforms: Platforms,
        *,
        grader: Grader | None = None,
        store: Any = None,
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
            grader = build_grader(settings, metrics=self.metrics)
        self.service = ReviewService(
            settings, grader=grader, store=self.store, metrics=self.metrics
        )
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
        self.console_abandoned = False

    # --- start ---

    async def start(self) -> None:
        if hasattr(self.store, "connect"):  # migrations now; logs once if the store is down
            self.metrics.store_state(await open_store_within(self.store, STORE_START_TIMEOUT_S))
        posters = self._build_adapters()
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

            self._tasks["console"] = asyncio.create_task(
                run_console(self.service, self.settings, self._stdin, self._stdout),
                name="serve-console",
            )
        log.info("serving", extra={"adapters": ",".join(self.adapter_names)})

    @property
    def adapter_names(self) -> list[str]:
        chosen = self.platforms
        return [n for n, on in (("slack", chosen.slack), ("discord", chosen.discord),
                                ("console", chosen.console)) if on]  # fmt: skip

    def _build_adapters(self) -> dict[str, TipPoster]:
        from adapters.console_tips import ConsoleTipPoster

        posters: dict[str, TipPoster] = {"console": ConsoleTipPoster(self._stdout)}
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
                pool=self.workers,
            )
            posters["slack"] = self.slack.poster
            self.health.add_check("slack", self.slack.connected)
        if self.platforms.discord:
            from adapters.discord import DiscordTipPoster, build_bot

            bot = self.discord = build_bot(
                self.service, self.settings, guild_ready_timeout=self._discord_ready_timeout
            )
            posters["discord"] = DiscordTipPoster(bot)

            async def discord_ready() -> bool:
                return bot.is_ready() and not bot.is_closed()

            self.health.add_check("discord", discord_ready)
        return {name: MeteredPoster(poster, self.metrics) for name, poster in posters.items()}

    def _start_workers(self) -> WorkerPool:
        from adapters.slack.workers import worker_main

        pool = WorkerPool(self.settings, self.settings.outreach_workers, worker_main, self.metrics)
        pool.start()

        async def workers_alive() -> bool:
            return pool.alive()

        self.health.add_check("workers", workers_alive)
        return pool

    def _start_tips(self, posters: Mapping[str, TipPoster]) -> None:
        from bot.tips import Ticker, TipsCommands, load_library, run_scheduler
        from bot.tips.scheduler import Tickable

        library = load_library()
        self.service.tips = TipsCommands(self.store, library, posters, self.settings)
        ticker = cast(Tickable, Ticker(self.store, library, posters, self.settings))
        self._tasks["scheduler"] = asyncio.create_task(
            run_scheduler(ticker, self._background_stop), name="serve-scheduler"
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
        """Stop taking work, let in-flight reviews finish for up to `grace` s, close it all."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.grace
        self.health.draining = True
        self.service.begin_drain()
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
            await settle_tasks(DISCORD_WORK_TASKS, deadline - loop.time())
        if unfinished:
            log.warning("reviews cut short at shutdown", extra={"unfinished": unfinished})
        self._discord_stop.set()
        self._background_stop.set()
        console = self._tasks.get("console")
        if console is not None and not console.done():
            self.console_abandoned = True  # its stdin read is blocked in a thread
            console.cancel()
        for task in self._tasks.values():
            await quietly(task, timeout=max(1.0, deadline - loop.time()))
        if slack_stopping is not None:
            await quietly(slack_stopping, timeout=max(1.0, deadline - loop.time()))
        if workers_stopping is not None:
            await quietly(workers_stopping, timeout=max(1.0, deadline - loop.time()) + 5)
        if self.health_server is not None:
            await self.health_server.stop()
        await self.service.aclose()
        await close_store_within(self.store, max(0.5, deadline - loop.time()))
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


async def run_services(
    settings: Settings,
    platforms: Platforms,
    stop: asyncio.Event,
    **runtime_options: Any,
) -> int:
    """Start everything, run until `stop` (or the console ends), shut down; the exit code."""
    runtime = Runtime(settings, platforms, **runtime_options)
    try:
        await runtime.start()
        code = await runtime.wait(stop)
    finally:
        await runtime.shutdown()
    if runtime.console_abandoned:
        exit_now(code)
    return code


async def _main(settings: Settings, platforms: Platforms) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return await run_services(settings, platforms, stop)


def serve(settings: Settings, *, slack: bool, discord: bool, console: bool) -> int:
    from bot.logs import configure_logging

    try:
        configure_logging(settings.log_level)
        platforms = choose_platforms(settings, slack=slack, discord=discord, console=console)
        return asyncio.run(_main(settings, platforms))
    except SettingsError as error:
        print(f"outreach-review: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except AdapterFailed as error:  # e.g. Slack refused SLACK_APP_TOKEN
        print(f"outreach-review: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:  # e.g. the port is taken
        print(f"outreach-review: cannot start: {error}", file=sys.stderr)
        return EXIT_FAILED


def serve_from_env(*, slack: bool = False, discord: bool = False, console: bool = False) -> int:
    """Read the settings (environment and `.env`) and serve; for `python -m adapters.…`."""
    from bot.settings import load_settings

    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"outreach-review: {error}", file=sys.stderr)
        return EXIT_CONFIG
    return serve(settings, slack=slack, discord=discord, console=console)
