"""What the Docker image is made of, checked without Docker.

The wheel is built for real (as the Dockerfile's builder stage does) and run from outside the
source tree. No Docker engine runs here, so the Dockerfile, docker-compose.yml and the Caddy
config are checked structurally: a guard against drift, not proof that the image builds.
The image's HEALTHCHECK command itself is run against the real health endpoint.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web

from bot.compose.health import Health, HealthServer
from bot.metrics import Metrics
from bot.principles import load_principles
from bot.settings import Settings
from tests.helpers import ROOT

DRAFT = "Hi Sam, I loved your talk on onboarding at DataConf. What made the new flow stick?"


# ---- the wheel -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    [built] = out.glob("outreach_review-*.whl")
    return built


def test_the_wheel_has_the_prompts_data_migrations_and_the_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()
    expected = {f"bot/_prompts/{p.name}" for p in (ROOT / "prompts").glob("*.md")}
    expected |= {f"bot/data/{p.name}" for p in (ROOT / "bot/data").glob("*.yaml")}
    migrations = ROOT / "bot/store/migrations"
    alembic = [migrations / "env.py", migrations / "script.py.mako"]
    alembic += (migrations / "versions").glob("*.py")
    expected |= {p.relative_to(ROOT).as_posix() for p in alembic}
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "adapters").rglob("*.yaml")}
    assert len(expected) >= 12 and expected <= names, sorted(expected - names)
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]
    assert re.search(r"\[console_scripts\]\s*outreach-review = bot\.cli:main", scripts)


def test_the_installed_wheel_reviews_and_migrates_away_from_the_source_tree(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    probe = f"""
import json, sys
import bot
from bot.cli import main
from bot.llm.prompts import prompts_dir
from bot.store import open_store
from bot.store.db import current_revision, head_revision
assert bot.__file__.startswith({str(site)!r}), bot.__file__
store = open_store("sqlite:///{tmp_path}/db/outreach.db")
print(json.dumps({{"prompts": str(prompts_dir()), "head": head_revision(),
                  "migrated": current_revision(store.engine)}}))
store.close()
sys.exit(main(["review", "--no-llm", "-"]))
"""
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", probe], input=DRAFT, capture_output=True, text=True,
        cwd=tmp_path, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    facts, review = done.stdout.split("\n", 1)
    found = json.loads(facts)
    assert found["prompts"] == str(site / "bot" / "_prompts")
    assert found["migrated"] == found["head"]
    assert "/100" in review and load_principles()[0].title in review


# ---- the Dockerfile ------------------------------------------------------------------------
def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    pairs = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def stages(path: Path) -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for word, rest in instructions(path):
        if word == "FROM":
            found.append([])
        found[-1].append((word, rest))
    return found


def healthcheck_command() -> list[str]:
    [check] = [rest for word, rest in instructions(ROOT / "Dockerfile") if word == "HEALTHCHECK"]
    command = json.loads(check[check.index("CMD ") + 4 :])
    assert isinstance(command, list)
    return [str(part) for part in command]


def test_dockerfile_builds_a_wheel_then_runs_it_as_a_non_root_user() -> None:
    builder, runtime = stages(ROOT / "Dockerfile")
    assert re.fullmatch(r"python:3\.1[1-9]-slim AS builder", builder[0][1])
    assert re.fullmatch(r"python:3\.1[1-9]-slim( AS \w+)?", runtime[0][1])
    copied = {part for word, rest in builder if word == "COPY" for part in rest.split()[:-1]}
    hatch = {"pyproject.toml", "README.md", "bot", "adapters", "prompts"}
    assert hatch <= copied, "the builder needs every path the wheel is built from"
    assert any(word == "RUN" and "pip wheel" in rest for word, rest in builder)
    installs = [rest for word, rest in runtime if word == "RUN" and "pip install" in rest]
    assert installs and all("from=builder" in r and "--no-index" in r for r in installs)
    assert not any(word == "COPY" and "--from" not in rest for word, rest in runtime), (
        "the runtime stage gets the built wheels only, no source"
    )
    users = [rest for word, rest in runtime if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    last_root_step = max(i for i, (word, _) in enumerate(runtime) if word == "RUN")
    assert [w for w, _ in runtime].index("USER") > last_root_step
    exposed = {rest for word, rest in runtime if word == "EXPOSE"}
    assert exposed and set(" ".join(exposed).split()) == {"3000", "8080"}
    [cmd] = [rest for word, rest in runtime if word == "CMD"]
    assert json.loads(cmd) == ["outreach-review", "serve"]
    assert healthcheck_command()[:2] == ["python", "-c"] and "/healthz" in healthcheck_command()[2]


def test_dockerignore_keeps_secrets_out_and_lets_the_sources_in() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".venv", ".git", "data"} <= ignored
    assert not ignored & {"pyproject.toml", "README.md", "bot", "adapters", "prompts"}


@pytest.fixture
async def failing_health() -> AsyncIterator[int]:
    async def unhealthy(_request: web.Request) -> web.Response:
        return web.Response(status=503)

    app = web.Application()
    app.add_routes([web.get("/healthz", unhealthy)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield int(runner.addresses[0][1])
    await runner.cleanup()


async def run_healthcheck(**ports: int) -> int:
    env = {**os.environ, **{name: str(port) for name, port in ports.items()}}
    command = healthcheck_command()
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command[1:], env=env, stdout=asyncio.subprocess.DEVNULL
    )
    return await asyncio.wait_for(process.wait(), timeout=30)


async def test_the_image_healthcheck_passes_on_either_port_and_fails_otherwise(
    failing_health: int, unused_tcp_port_factory: Any
) -> None:
    server = HealthServer(Health(Metrics()), "127.0.0.1", 0)
    await server.start()
    try:
        assert server.port is not None
        closed = unused_tcp_port_factory()
        assert await run_healthcheck(PORT=server.port, HEALTH_PORT=closed) == 0  # Slack HTTP
        assert await run_healthcheck(PORT=closed, HEALTH_PORT=server.port) == 0  # health port
        assert await run_healthcheck(PORT=closed, HEALTH_PORT=failing_health) == 1
    finally:
        await server.stop()
    assert await run_healthcheck(PORT=closed, HEALTH_PORT=closed) == 1


# ---- docker-compose.yml and the proxy ------------------------------------------------------
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8")))


def test_compose_runs_two_http_replicas_on_postgres_behind_the_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = compose()["services"]
    bot, db, proxy = services["bot"], services["db"], services["proxy"]
    assert bot["build"] == "." and bot["deploy"]["replicas"] == 2
    assert bot["env_file"] == ".env" and "ports" not in bot, "only the proxy is published"
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert db["image"].startswith("postgres:") and "healthcheck" in db
    for name, value in bot["environment"].items():  # the container's environment
        password = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
        monkeypatch.setenv(name, str(value).replace(password, "pw"))
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://outreach:pw@db:5432/outreach"
    assert settings.slack_app_token is None, "HTTP mode: any replica can take any request"
    assert settings.discord_token is None, "one Discord gateway session, not one per replica"

    assert proxy["image"].startswith("caddy:")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    config = (ROOT / "deploy/Caddyfile").read_text(encoding="utf-8")
    upstream = re.search(r"dynamic a \{\s*name (\w+)\s*port (\d+)", config)
    assert upstream and upstream.groups() == ("bot", str(settings.port))
    assert "handle /slack/*" in config, "only Slack's endpoints are public, not /metrics"


def test_the_kubernetes_cronjob_runs_a_real_tips_tick_as_the_image_user() -> None:
    from bot.cli import build_parser
    from bot.tips.cli import cmd_tick

    job = yaml.safe_load((ROOT / "deploy/kubernetes/tips-cronjob.yaml").read_text("utf-8"))
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    program, *args = container["command"]
    assert program == "outreach-review" and build_parser().parse_args(args).handler is cmd_tick
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    user = re.search(r"useradd .*--uid (\d+)", (ROOT / "Dockerfile").read_text("utf-8"))
    assert user and pod["securityContext"]["runAsUser"] == int(user.group(1))
