"""Console tips subscriptions made before the console and the CLI agreed on one workspace
value are found after the upgrade, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command

from bot.ports import CONSOLE_WORKSPACE
from bot.store import Store
from bot.store.db import _alembic_config, make_engine, upgrade
from tests.fakes.tips_env import backend_url

OLD_CONSOLE_WORKSPACE = "local"  # what the console's /outreachtips stored before
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store at the first revision, before the console's workspace was settled."""
    with backend_url(request.param, tmp_path) as url:
        engine = make_engine(url)
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0001_initial")
        yield Store(engine)
        engine.dispose()


def subscribe(store: Store, workspace: str, channel: str, weekday: int, active: bool = True) -> int:
    sub = store.subscribe(
        platform="console",
        workspace=workspace,
        channel=channel,
        weekday=weekday,
        local_time="08:30",
        timezone="Europe/Berlin",
        user="you",
        now=NOW,
    )
    if not active:
        store.unsubscribe("console", workspace, channel)
    return sub.id


def test_old_console_subscriptions_are_found_under_the_one_workspace(old_store: Store) -> None:
    subscribe(old_store, OLD_CONSOLE_WORKSPACE, "console", weekday=2)  # made in the console
    subscribe(old_store, CONSOLE_WORKSPACE, "cli", weekday=4)  # made with the CLI
    subscribe(old_store, CONSOLE_WORKSPACE, "both", weekday=0, active=False)  # CLI, then off
    kept_history = subscribe(old_store, OLD_CONSOLE_WORKSPACE, "both", weekday=3)
    slack = old_store.subscribe(
        platform="slack", workspace="local", channel="C1", weekday=1, local_time="09:00",
        timezone="UTC", user="U1", now=NOW,
    )  # fmt: skip

    upgrade(old_store.engine)

    console = old_store.get_subscription("console", CONSOLE_WORKSPACE, "console")
    assert console is not None and console.active and console.weekday == 2
    cli = old_store.get_subscription("console", CONSOLE_WORKSPACE, "cli")
    assert cli is not None and cli.active and cli.weekday == 4
    both = old_store.get_subscription("console", CONSOLE_WORKSPACE, "both")
    assert both is not None and both.active and both.weekday == 3, "the active schedule wins"
    active = old_store.list_subscriptions(["console"])
    assert sorted(s.channel for s in active) == ["both", "cli", "console"], "one tip a week each"
    assert {s.workspace for s in active} == {CONSOLE_WORKSPACE}
    left = old_store.get_subscription("console", OLD_CONSOLE_WORKSPACE, "both")
    assert left is not None and left.id == kept_history and not left.active
    assert old_store.get_subscription("slack", "local", "C1") == slack, "other platforms untouched"
