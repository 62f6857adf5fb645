"""One path for every Discord failure: a short ephemeral message where one can be sent,
and one log line. No traceback ever reaches Discord."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord
from discord import app_commands

from adapters.discord.wording import error_message

log = logging.getLogger("outreach.discord")
NO_MENTIONS = discord.AllowedMentions.none()

# Discord JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
INVALID_WEBHOOK_TOKEN = 50027
EXPIRED_CODES = frozenset({UNKNOWN_WEBHOOK, UNKNOWN_INTERACTION, INVALID_WEBHOOK_TOKEN})
KIND_BY_CODE = {
    UNKNOWN_CHANNEL: "unknown_channel",
    UNKNOWN_MESSAGE: "unknown_message",
    MISSING_ACCESS: "missing_access",
    MISSING_PERMISSIONS: "missing_permissions",
}


@dataclass(frozen=True)
class Problem:
    kind: str
    status: int | None = None
    code: int | None = None

    @property
    def can_answer(self) -> bool:
        """An expired interaction token cannot carry any answer."""
        return self.kind != "interaction_expired"


def classify(error: BaseException) -> Problem:
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, discord.RateLimited):
        return Problem("rate_limited", 429)
    if isinstance(error, discord.HTTPException):
        status, code = error.status, error.code
        if code in EXPIRED_CODES or status == 401:
            return Problem("interaction_expired", status, code)
        if code in KIND_BY_CODE:
            return Problem(KIND_BY_CODE[code], status, code)
        if status == 403:
            return Problem("missing_permissions", status, code)
        if status == 429:
            return Problem("rate_limited", status, code)
        return Problem("discord_error", status, code)
    if isinstance(error, app_commands.AppCommandError):
        return Problem("command_error")
    return Problem("internal")


def log_problem(error: BaseException, where: str) -> Problem:
    """Log one line about `error` (a traceback only for our own bugs) and classify it."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    problem = classify(error)
    extra = {
        "where": where,
        "kind": problem.kind,
        "error": type(error).__name__,
        "status": problem.status,
        "code": problem.code,
    }
    if problem.kind == "internal":
        log.error("discord handler failed", extra=extra, exc_info=error)
    else:
        log.warning("discord request failed: %s", problem.kind, extra=extra)
    return problem


async def report(error: BaseException, *, where: str, interaction: discord.Interaction) -> None:
    """The single error path for commands, modals and buttons."""
    problem = log_problem(error, where)
    if problem.can_answer:
        await say(interaction, error_message(problem.kind))


async def say(interaction: discord.Interaction, text: str) -> bool:
    """A short ephemeral answer, by response or follow-up; False when Discord refused it."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        return False  # the failure that brought us here is already logged
    return True
