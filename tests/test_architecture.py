"""The core knows nothing of Slack or Discord; data files are the single source of truth."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_MODULES = ("slack_bolt", "slack_sdk", "discord", "adapters.slack", "adapters.discord")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_platform_library() -> None:
    offenders = {}
    for path in (ROOT / "bot").rglob("*.py"):
        bad = {m for m in imported_modules(path) if m.startswith(PLATFORM_MODULES)}
        # `serve` (with `platforms`, which checks a chosen adapter's settings) and `cron` are
        # the composition roots that start adapters (lazily).
        if bad and path.name not in ("serve.py", "platforms.py", "cron.py"):
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_principle_titles_live_only_in_the_data_file() -> None:
    import yaml

    data = yaml.safe_load((ROOT / "bot/data/principles.yaml").read_text(encoding="utf-8"))
    titles = [p["title"] for p in data["principles"]]
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "adapters").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        for title in titles:
            assert title not in source, f"{path} repeats the principle title {title!r}"
