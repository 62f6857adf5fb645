"""`outreach-review tips …` and `db upgrade`: handlers called directly, and `tips tick`
end to end in real processes (one JSON line per post, exactly once across runs)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.tips.cli import register
from tests.fakes.tips_env import RecordingPoster, tips_settings
from tests.helpers import ROOT, run_cli


def run_handler(argv: list[str], database_url: str, **handler_kwargs: object) -> int:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args, tips_settings(database_url=database_url), **handler_kwargs))


def json_lines(stdout: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_cli_module_import_is_cheap() -> None:
    code = "import sys, bot.tips.cli; print('sqlalchemy' in sys.modules, 'alembic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]


def test_subscribe_status_unsubscribe_and_db_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/data/outreach.db"
    assert run_handler(["db", "upgrade"], url) == 0
    assert "revision 0002_console_workspace" in capsys.readouterr().out
    argv = ["tips", "subscribe", "--platform", "slack", "--channel", "C1", "--workspace", "T1"]
    assert (
        run_handler([*argv, "--weekday", "wed", "--time", "8:30", "--tz", "Europe/Paris"], url) == 0
    )
    assert "every Wednesday at 08:30 (Europe/Paris)" in capsys.readouterr().out
    assert run_handler(["tips", "status"], url) == 0
    status = capsys.readouterr().out
    assert "slack" in status and "C1" in status and "Wed 08:30 Europe/Paris" in status
    unsubscribe = ["tips", "unsubscribe", "--platform", "slack", "--channel", "C1"]
    assert run_handler([*unsubscribe, "--workspace", "T1"], url) == 0
    assert "unsubscribed" in capsys.readouterr().out
    assert run_handler(["tips", "status"], url) == 0
    assert "no channel is subscribed" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--weekday", "someday"], "--weekday"),
        (["--time", "24:00"], "--time"),
        (["--tz", "Nowhere/Land"], "--tz"),
    ],
)
def test_subscribe_rejects_bad_input_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    argv = ["tips", "subscribe", "--platform", "console", "--channel", "C1", *extra]
    assert run_handler(argv, f"sqlite:///{tmp_path}/o.db") == 2
    assert message in capsys.readouterr().err


def test_tips_list_prints_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_handler(["tips", "list"], "sqlite:///unused.db") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 26 and any("asks_questions" in line for line in lines)


def test_tick_takes_a_poster_mapping(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/o.db"
    run_handler(["tips", "subscribe", "--platform", "slack", "--channel", "C9"], url)
    slack = RecordingPoster("slack")
    at = ["tips", "tick", "--at", "2026-12-07T09:00:00Z"]
    assert run_handler(at, url, posters={"slack": slack}) == 0
    assert [(p.channel, p.period) for p in slack.posts] == [("C9", "2026-W50")]


def test_tick_bad_instant_and_unreachable_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_handler(["tips", "tick", "--at", "next monday"], "sqlite:///x.db") == 2
    assert "ISO-8601" in capsys.readouterr().err
    down = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    assert run_handler(["tips", "tick"], down) == 1
    assert "DATABASE_URL" in capsys.readouterr().err


def test_tick_end_to_end_posts_once_per_week_across_processes(tmp_path: Path) -> None:
    relative = "sqlite:///./data/outreach.db"  # the default layout, under the working dir
    absolute = f"sqlite:///{tmp_path}/data/outreach.db"  # the same file, for the handlers
    subscribe = ["tips", "subscribe", "--platform"]
    run_handler([*subscribe, "console", "--channel", "general", "--tz", "Europe/Berlin"], absolute)
    run_handler([*subscribe, "slack", "--channel", "C1", "--workspace", "T1"], absolute)

    first = run_cli(
        tmp_path, "tips", "tick", "--at", "2026-12-07T09:00:00+01:00", DATABASE_URL=relative
    )
    assert first.returncode == 0, first.stderr
    [line] = json_lines(first.stdout)  # the slack channel is left for the slack poster
    assert set(line) == {"platform", "channel", "tip_id", "period"}
    assert (line["platform"], line["channel"], line["period"]) == ("console", "general", "2026-W50")
    again = run_cli(
        tmp_path, "tips", "tick", "--at", "2026-12-07T09:30:00+01:00", DATABASE_URL=relative
    )
    assert again.returncode == 0 and again.stdout == ""

    env = {**os.environ, "DATABASE_URL": relative, "PYTHONPATH": str(ROOT)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "tips", "tick", "--at", "2026-12-14T10:00:00+01:00"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [racer.communicate(timeout=60) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers)
    posted = [post for stdout, _ in outputs for post in json_lines(stdout)]
    assert [(p["channel"], p["period"]) for p in posted] == [("general", "2026-W51")]
    assert posted[0]["tip_id"] != line["tip_id"]
