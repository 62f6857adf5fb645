"""`outreach-review serve`: every adapter with credentials in one asyncio process, plus the tips
scheduler and the health endpoints; the console when no platform is configured.

`serve()` is the CLI entry; `run_services()` is the async entry tests drive in-process;
`Runtime` (in `runtime`) holds the running pieces.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from bot.compose.lifecycle import exit_now
from bot.compose.platforms import Platforms, choose_platforms, log_level_for
from bot.compose.runtime import EXIT_FAILED, Runtime
from bot.ports import AdapterFailed
from bot.settings import Settings, SettingsError

EXIT_CONFIG = 2


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
        platforms = choose_platforms(settings, slack=slack, discord=discord, console=console)
        configure_logging(log_level_for(settings, platforms))
        return asyncio.run(_main(settings, platforms))
    except SettingsError as error:
        print(f"outreach-review: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except AdapterFailed as error:  # e.g. Slack refused SLACK_APP_TOKEN
        print(f"outreach-review: {error}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # the console's reader went away: the CLI ends quietly
        raise
    except OSError as error:  # e.g. the port is taken
        print(f"outreach-review: cannot start: {error}", file=sys.stderr)
        return EXIT_FAILED
