"""Settings, read once from the environment (and `.env`) and passed down.

There is no global settings object: `load_settings()` builds one and the caller
hands it to whatever needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(Exception):
    """Start-up configuration is invalid; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=None,
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
    )

    # --- model (LLM issue) ---
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    outreach_llm_model: str = "gpt-4.1-mini"
    outreach_llm_timeout: float = Field(default=20.0, gt=0, le=600)
    outreach_llm: Literal["on", "off"] = "on"
    outreach_cache_ttl: float = Field(default=600.0, ge=0)

    # --- store and tips ---
    database_url: str = "sqlite:///./data/outreach.db"
    outreach_tips_tz: str = "UTC"
    outreach_tips_digest: Literal["on", "off"] = "off"

    # --- Slack ---
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    port: int = Field(default=3000, ge=0, le=65535)
    # Worker processes for the slow half of Slack listeners (0: in the serving process).
    outreach_workers: int = Field(default=0, ge=0, le=64)

    # --- Discord ---
    discord_token: str | None = None
    discord_guild_id: int | None = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None

    # --- shared behaviour ---
    outreach_reaction: str | None = None
    outreach_review_channels: str = ""
    outreach_rate_limit: int = Field(default=20, ge=0)
    health_port: int = Field(default=8080, ge=0, le=65535)
    # Seconds `serve` takes at most to stop after SIGTERM/SIGINT, whatever it waits on.
    outreach_shutdown_grace: float = Field(default=10.0, gt=0, le=600)
    # Unset: INFO, or WARNING while the console runs (`bot.compose.platforms.log_level_for`).
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("log_level", "outreach_log_level")
    )

    @field_validator("outreach_llm", "outreach_tips_digest", mode="before")
    @classmethod
    def _on_off(cls, value: object) -> object:
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return "on"
            if lowered in {"0", "false", "no", "off"}:
                return "off"
        return value

    @field_validator("outreach_reaction")
    @classmethod
    def _reaction(cls, value: str | None) -> str | None:
        from bot.policy import parse_reaction  # the one parser; imported late, as it loads rules

        parse_reaction(value)  # a value that is no emoji stops start-up with what would do
        return value

    @property
    def llm_enabled(self) -> bool:
        return self.outreach_llm == "on" and bool(self.openai_api_key or self.openai_base_url)


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Build the settings once, turning validation errors into one readable message."""
    try:
        if env_file is not None and Path(env_file).is_file():
            return Settings(_env_file=str(env_file), **overrides)  # type: ignore[call-arg,arg-type]
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            variable = "_".join(str(part) for part in error["loc"]).upper()
            problems.append(f"{variable}: {error['msg']}")
        raise SettingsError(
            "Invalid configuration — "
            + "; ".join(problems)
            + ". Fix it in the environment or .env."
        ) from None
