"""Slack for many workspaces: bolt's OAuth install flow served for real in HTTP mode.

The browser's side (install link, Slack's redirect back) and Slack's side (signed commands
and events) are driven over HTTP; `oauth.v2.access` and every Web API call go to the fake
Slack API on loopback. Installations live in the store's database: SQLite always,
PostgreSQL too when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from alembic import command
from sqlalchemy import create_engine, text

from adapters.slack import SlackServer
from adapters.slack.oauth import BOT_SCOPES
from adapters.slack.server import check_settings
from bot.ports import PostError, PostOk
from bot.service import ReviewService
from bot.settings import Settings, SettingsError
from bot.store import db
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_payloads import command_body, event_body, sign
from tests.fakes.tips_env import TIP
from tests.helpers import ROOT

SECRET = "test-signing-secret"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret"
STATE_COOKIE = "slack-app-oauth-state"


def oauth_settings(api: FakeSlackApi | None, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": None,
        "slack_app_token": None,
        "slack_signing_secret": SECRET,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "slack_api_url": api.url if api else None,
        "database_url": database_url,
        "port": 0,
        "outreach_llm": "off",
        **overrides,
    }
    return Settings(**values)


class Browser:
    """What a user's browser and Slack do around the install, plus Slack's signed requests."""

    def __init__(self, api: FakeSlackApi, server: SlackServer, session: aiohttp.ClientSession):
        self.api, self.server, self.session = api, server, session
        self.base = f"http://127.0.0.1:{server.port}"

    async def open_install_link(self) -> tuple[int, str, str]:
        """GET /slack/install: status, the Location it redirects to, the state cookie."""
        async with self.session.get(f"{self.base}/slack/install", allow_redirects=False) as resp:
            cookie = resp.cookies.get(STATE_COOKIE)
            return resp.status, resp.headers.get("Location", ""), cookie.value if cookie else ""

    async def come_back(self, code: str, state: str, cookie: str | None) -> tuple[int, str]:
        """Slack redirects the browser to /slack/oauth_redirect after the user approved."""
        query = urllib.parse.urlencode({"code": code, "state": state})
        headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie else {}
        async with self.session.get(
            f"{self.base}/slack/oauth_redirect?{query}", headers=headers, allow_redirects=False
        ) as resp:
            return resp.status, await resp.text()

    async def install(self, team: str, code: str) -> str:
        """The whole flow for `team`; returns the bot token Slack issued."""
        status, _, state = await self.open_install_link()
        assert status == 302 and state
        token = self.api.grant(code, team)
        status, _ = await self.come_back(code, state, state)
        assert status == 200
        return token

    async def signed(self, body: str, content_type: str) -> int:
        headers = {"Content-Type": content_type, **sign(SECRET, body)}
        async with self.session.post(
            f"{self.base}/slack/events", data=body.encode(), headers=headers
        ) as resp:
            return resp.status

    async def empty_command(self, team: str) -> int:
        """`/reviewoutreach` with no text: the app opens the draft box (views.open, a token)."""
        body = command_body(
            "/reviewoutreach", " ", response_url=self.api.response_url(team), team=team
        )
        return await self.signed(body, "application/x-www-form-urlencoded")


@asynccontextmanager
async def served(api: FakeSlackApi, settings: Settings) -> AsyncIterator[Browser]:
    server = SlackServer(ReviewService(settings), settings, host="127.0.0.1")
    await server.start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            yield Browser(api, server, session)
    finally:
        await server.stop(grace=2)


@pytest.fixture
def api(slack_api: FakeSlackApi) -> FakeSlackApi:
    return slack_api


@pytest.fixture
def database_url(db_url: str) -> str:
    """SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""
    return db_url


async def test_two_workspaces_install_and_each_is_served_with_its_own_token(
    api: FakeSlackApi, database_url: str
) -> None:
    settings = oauth_settings(api, database_url)
    async with served(api, settings) as browser:
        status, location, state = await browser.open_install_link()
        assert status == 302
        authorize = urllib.parse.urlparse(location)
        query = urllib.parse.parse_qs(authorize.query)
        assert (authorize.netloc, authorize.path) == ("slack.com", "/oauth/v2/authorize")
        assert query["client_id"] == [CLIENT_ID] and query["state"] == [state]
        assert query["scope"] == [",".join(BOT_SCOPES)]

        acme = api.grant("code-acme", "T0ACME")
        status, page = await browser.come_back("code-acme", state, state)
        assert status == 200 and "slack://app?team=T0ACME" in page, page
        [exchange] = api.calls_to("oauth.v2.access")
        assert exchange.params["code"] == "code-acme"
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        assert exchange.token == f"Basic {basic}", "client credentials go in HTTP Basic"
        beta = await browser.install("T0BETA", "code-beta")

        assert await browser.empty_command("T0ACME") == 200
        assert await browser.empty_command("T0BETA") == 200
        opened = await api.wait_for("views.open", 2)
        assert sorted(c.token or "" for c in opened) == sorted([acme, beta])

        assert isinstance(await browser.server.poster.post_tip("T0BETA", "C0B", TIP), PostOk)
        [tip] = api.calls_to("chat.postMessage")
        assert (tip.token, tip.params["channel"]) == (beta, "C0B")

    stored = create_engine(database_url)
    with stored.connect() as conn:
        rows = conn.execute(
            text("SELECT team_id, bot_token FROM slack_installations ORDER BY team_id")
        ).all()
    stored.dispose()
    assert [tuple(r) for r in rows] == [("T0ACME", acme), ("T0BETA", beta)]

    # A restart reads the installations back from the database.
    async with served(api, settings) as browser:
        assert await browser.empty_command("T0ACME") == 200
        assert (await api.wait_for("views.open", 3))[-1].token == acme


async def test_the_state_is_checked_and_single_use_and_a_bad_code_installs_nothing(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    settings = oauth_settings(api, f"sqlite:///{tmp_path}/outreach.db")
    async with served(api, settings) as browser:
        _, _, state = await browser.open_install_link()
        api.grant("code-acme", "T0ACME")
        forged, _ = await browser.come_back("code-acme", "forged-state", "forged-state")
        no_cookie, _ = await browser.come_back("code-acme", state, None)
        assert forged >= 400 and no_cookie >= 400
        assert api.calls_to("oauth.v2.access") == [], "no code exchange without a valid state"

        assert (await browser.come_back("code-acme", state, state))[0] == 200
        replayed, _ = await browser.come_back("code-acme", state, state)
        assert replayed >= 400 and len(api.calls_to("oauth.v2.access")) == 1

        _, _, state = await browser.open_install_link()
        refused, _ = await browser.come_back("code-never-granted", state, state)
        assert refused >= 400
        assert isinstance(await browser.server.poster.post_tip("T0NOPE", "C0X", TIP), PostError), (
            "a refused code stores no installation"
        )


async def test_a_workspace_that_never_installed_is_not_served_and_gets_no_tips(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    settings = oauth_settings(api, f"sqlite:///{tmp_path}/outreach.db")
    async with served(api, settings) as browser:
        await browser.install("T0ACME", "code-acme")
        assert await browser.empty_command("T0STRANGER") == 200
        [told] = await api.wait_for_post("T0STRANGER")
        assert "reinstall this app" in told["text"], "the user learns why nothing happens"
        result = await browser.server.poster.post_tip("T0STRANGER", "C0X", TIP)
        assert isinstance(result, PostError) and result.detail == "not_installed"
        assert result.kind == "forbidden", "retried later, not unsubscribed: a reinstall resumes"
        assert api.calls_to("views.open") == [] and api.calls_to("chat.postMessage") == []


async def test_a_reaction_in_one_workspace_reads_and_replies_with_that_workspace_token(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    settings = oauth_settings(api, f"sqlite:///{tmp_path}/outreach.db")
    async with served(api, settings) as browser:
        await browser.install("T0ACME", "code-acme")
        beta = await browser.install("T0BETA", "code-beta")
        draft = "Hi Sam, I loved your talk on onboarding at DataConf. What made it stick?"
        message = api.add_message("C0BETA", {"type": "message", "user": "U0B", "text": draft})
        event = {
            "type": "reaction_added",
            "user": "U0B",
            "reaction": "mag",
            "item": {"type": "message", "channel": "C0BETA", "ts": message["ts"]},
            "event_ts": api.next_ts(),
        }
        body = event_body(event, event_id="Ev0BETA", team="T0BETA")
        assert await browser.signed(body, "application/json") == 200
        [reply] = await api.wait_for("chat.postMessage")
        assert reply.params["thread_ts"] == message["ts"]
        history = api.calls_to("conversations.history")
        assert {reply.token} | {c.token for c in history} == {beta}


def test_requested_scopes_are_the_manifest_bot_scopes() -> None:
    manifest = yaml.safe_load((ROOT / "slack-manifest.yaml").read_text(encoding="utf-8"))
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]


def test_settings_for_many_workspaces_say_what_is_missing(tmp_path: Path) -> None:
    def oauth(**changes: Any) -> Settings:
        return oauth_settings(None, f"sqlite:///{tmp_path}/outreach.db", **changes)

    check_settings(oauth())  # no SLACK_BOT_TOKEN needed: tokens come from installations
    for changes, named in [
        ({"slack_client_secret": None}, "SLACK_CLIENT_SECRET"),
        ({"slack_client_id": None}, "SLACK_CLIENT_ID"),
        ({"slack_app_token": "xapp-1"}, "SLACK_APP_TOKEN"),
        ({"slack_signing_secret": None}, "SLACK_SIGNING_SECRET"),
    ]:
        with pytest.raises(SettingsError, match=named):
            check_settings(oauth(**changes))


async def test_bolt_tables_and_the_project_migrations_leave_each_other_alone(
    api: FakeSlackApi, database_url: str
) -> None:
    settings = oauth_settings(api, database_url)
    async with served(api, settings) as browser:  # bolt's tables first, then ours
        token = await browser.install("T0ACME", "code-acme")
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine)
        with engine.begin() as conn:
            # Autogenerate would otherwise propose dropping bolt's tables.
            command.check(db._alembic_config(conn))
    finally:
        engine.dispose()
    async with served(api, settings) as browser:  # and both again on a migrated database
        installations = browser.server.installations
        assert installations is not None and await installations.bot_token("T0ACME") == token
