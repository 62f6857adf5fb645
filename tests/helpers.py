"""What tests in several folders share that is not a fake: the repository's root, the labelled
drafts `eval` reads, and the CLI run as a user runs it (a free port, a clean environment)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The CLI on the rules alone, without colour: what `review` prints does not depend on the host.
CLI_ENV = {**os.environ, "OUTREACH_LLM": "off", "NO_COLOR": "1"}
PLATFORM_VARIABLES = (
    "SLACK_",
    "DISCORD_",
    "OPENAI_",
    "OUTREACH_",
    "DATABASE_URL",
    "PORT",
    "LOG_LEVEL",
)

COLD_PITCH = (
    "Hi Marta,\n\nI'm the founder of Loopwise and we help companies like yours cut churn by 30%."
    "\nAre you free for a quick demo this week?\n\nBest,\nOwen\n"
)
# Two drafts labelled as `outreach-review eval` reads them: a cold pitch, a reconnect to send.
LABELLED_RECORDS: list[dict[str, Any]] = [
    {
        "id": "t1",
        "kind": "cold",
        "text": COLD_PITCH,
        "leads_with_self": True,
        "pitch": True,
        "generic": True,
        "no_question": True,
        "no_reason": True,
        "no_responsibility": None,
        "verdict": "rewrite",
    },
    {
        "id": "t2",
        "kind": "reconnect",
        "text": "Hi Tomasz, it's been far too long since Gdansk, and that's on me. What surprised "
        "you most about moving to payments at Zabka? I'm weighing the same move.",
        "leads_with_self": False,
        "pitch": False,
        "generic": False,
        "no_question": False,
        "no_reason": False,
        "no_responsibility": False,
        "verdict": "send",
    },
]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for a process to bind, or to refuse)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(tmp_path: Path, **values: str) -> dict[str, str]:
    """This environment without any platform, model or store setting, on a SQLite file in
    `tmp_path`, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_VARIABLES)}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite", **values}


def cli(
    *args: str, env: dict[str, str], cwd: Path | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`outreach-review ARGS` as a user runs it, given a minute at most."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def run_cli(
    tmp_path: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """`outreach-review ARGS` in `tmp_path` with a clean environment plus `env`."""
    return cli(*args, env=clean_env(tmp_path, **env), cwd=tmp_path, stdin=stdin)  # no stray .env
