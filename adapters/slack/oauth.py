"""Slack for many workspaces: bolt's OAuth install flow, installations kept in `DATABASE_URL`.

With `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` set, HTTP mode serves `/slack/install` and
`/slack/oauth_redirect`. bolt saves each workspace's bot token with its SQLAlchemy installation
store, finds it again for every request, and the tip poster finds it for every tip.

bolt's tables (`slack_installations`, `slack_bots`, `slack_oauth_states`) are created with
bolt's own metadata at start-up, beside the project's Alembic-managed tables (which the
migrations environment leaves alone). slack_sdk's async SQLAlchemy stores would need an async
SQLite driver; its sync stores on the project's engine, run in a worker thread, serve SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, desc, select, text

from bot.settings import Settings
from bot.store.db import make_engine

log = logging.getLogger("outreach.slack")

# Keep in step with slack-manifest.yaml (a test compares them).
BOT_SCOPES = ("commands", "chat:write", "reactions:read", "channels:history", "groups:history")
STATE_TTL_S = 600
# Serialises bolt's CREATE TABLEs when several replicas start at once on PostgreSQL.
_PG_TABLES_LOCK = 7_204_315_002


def oauth_enabled(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


class ThreadedInstallationStore(AsyncInstallationStore):
    """bolt's SQLAlchemy installation store with its blocking calls off the event loop."""

    def __init__(self, store: SQLAlchemyInstallationStore) -> None:
        self.sync = store

    @property
    def logger(self) -> logging.Logger:
        return self.sync.logger

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.sync.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.sync.save_bot, bot)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return await asyncio.to_thread(
            lambda: self.sync.find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await asyncio.to_thread(
            lambda: self.sync.find_installation(
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            )
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(
            lambda: self.sync.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        )

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            lambda: self.sync.delete_installation(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
            )
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(
            lambda: self.sync.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        )


class ThreadedStateStore(AsyncOAuthStateStore):
    """bolt's SQLAlchemy OAuth state store (one-time `state` values) off the event loop."""

    def __init__(self, store: SQLAlchemyOAuthStateStore) -> None:
        self.sync = store

    @property
    def logger(self) -> logging.Logger:
        return self.sync.logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return str(await asyncio.to_thread(self.sync.issue))

    async def async_consume(self, state: str) -> bool:
        return bool(await asyncio.to_thread(self.sync.consume, state))


class SlackInstallations:
    """The installation and state stores on one engine, and the token lookup for tips."""

    def __init__(self, engine: Engine, client_id: str) -> None:
        installs = SQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=log)
        states = SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_TTL_S, engine=engine, logger=log
        )
        self.engine = engine
        self.installations = ThreadedInstallationStore(installs)
        self.states = ThreadedStateStore(states)
        self._metadata: list[MetaData] = [installs.metadata, states.metadata]

    @classmethod
    def open(cls, settings: Settings) -> SlackInstallations:
        """On `DATABASE_URL`, with bolt's tables created if missing."""
        opened = cls(make_engine(settings.database_url), settings.slack_client_id or "")
        opened.create_tables()
        return opened

    def create_tables(self) -> None:
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_TABLES_LOCK})
            for metadata in self._metadata:
                metadata.create_all(conn)

    def _latest_bot_token(self, workspace: str) -> str | None:
        # By team alone (bolt's find_bot also matches the enterprise, which a tip
        # subscription does not record): the latest install of this app that has a bot token.
        store = self.installations.sync
        bots = store.bots.c
        query = (
            select(bots.bot_token)
            .where(
                bots.client_id == store.client_id,
                bots.team_id == workspace,
                bots.bot_token.is_not(None),
            )
            .order_by(desc(bots.installed_at))
            .limit(1)
        )
        with self.engine.connect() as conn:
            token = conn.execute(query).scalar()
        return str(token) if token else None

    async def bot_token(self, workspace: str) -> str | None:
        """The bot token installed in `workspace` (a Slack team id), None when not installed."""
        return await asyncio.to_thread(self._latest_bot_token, workspace)

    def close(self) -> None:
        self.engine.dispose()


def open_installations(settings: Settings) -> SlackInstallations | None:
    """The installation stores when OAuth is configured, else None (one workspace, one token)."""
    return SlackInstallations.open(settings) if oauth_enabled(settings) else None


def build_oauth_settings(
    settings: Settings, installations: SlackInstallations
) -> AsyncOAuthSettings:
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        install_page_rendering_enabled=False,  # straight to Slack's consent page
        installation_store=installations.installations,
        installation_store_bot_only=True,
        state_store=installations.states,
        state_expiration_seconds=STATE_TTL_S,
        logger=log,
    )
    if isinstance(oauth.authorize, AsyncInstallationStoreAuthorize):
        # One auth.test per workspace token rather than per request: the ack has 3 seconds.
        oauth.authorize.cache_enabled = True
    return oauth


Handler = Callable[[AsyncBoltRequest], Awaitable[BoltResponse]]


def _route(handle: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def serve(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await handle(await to_bolt_request(request)))

    return serve


def oauth_routes(app: AsyncApp) -> list[web.RouteDef]:
    """GET routes for the install link and Slack's redirect back; none without OAuth."""
    flow = app.oauth_flow
    if flow is None:
        return []
    return [
        web.get(flow.install_path, _route(flow.handle_installation)),
        web.get(flow.redirect_uri_path, _route(flow.handle_callback)),
    ]
