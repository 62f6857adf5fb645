"""`outreach-review serve`: runs the adapters that have credentials (console otherwise)."""

from __future__ import annotations

import asyncio
import sys

from bot.settings import Settings


def serve(settings: Settings, *, slack: bool, discord: bool, console: bool) -> int:
    from adapters.console import run_console
    from bot.app import build_service

    if slack or discord:
        print(
            "outreach-review: the Slack and Discord adapters are not available yet.",
            file=sys.stderr,
        )
        return 2
    service = build_service(settings)
    return asyncio.run(run_console(service, settings))
