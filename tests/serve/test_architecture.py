"""The core ends where the adapters begin: `bot/` knows nothing of Slack or Discord, the
adapters know nothing of how they are put together, and only the composition (`bot/compose/`)
brings the two together. Data files are the single source of truth."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PLATFORM_LIBRARIES = ("slack_bolt", "slack_sdk", "discord")
ADAPTERS = ("adapters",)
COMPOSITION = ("bot.compose",)
# The program's entry: it runs what the composition builds (`serve`, `tips tick`).
CLI_ENTRY = ROOT / "bot" / "cli.py"


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def offenders(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        modules = imported_modules(path)
        bad = {m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden)}
        if bad:
            found[str(path.relative_to(ROOT))] = sorted(bad)
    return found


def core_modules() -> list[Path]:
    compose = ROOT / "bot" / "compose"
    return [p for p in (ROOT / "bot").rglob("*.py") if compose not in p.parents]


def test_the_core_imports_no_platform_library_and_no_adapter() -> None:
    assert offenders(core_modules(), PLATFORM_LIBRARIES + ADAPTERS) == {}


def test_the_core_does_not_import_the_composition_only_the_cli_entry_does() -> None:
    modules = [p for p in core_modules() if p != CLI_ENTRY]
    assert offenders(modules, COMPOSITION) == {}
    assert offenders([CLI_ENTRY], COMPOSITION), "the CLI entry runs the composition"


def test_adapters_do_not_import_the_composition() -> None:
    assert offenders(list((ROOT / "adapters").rglob("*.py")), COMPOSITION) == {}


def test_no_adapter_imports_another() -> None:
    for adapter in ("slack", "discord"):
        others = tuple(f"adapters.{o}" for o in ("slack", "discord", "console") if o != adapter)
        assert offenders(list((ROOT / "adapters" / adapter).rglob("*.py")), others) == {}


def test_the_composition_imports_platforms_only_through_their_adapters() -> None:
    assert offenders(list((ROOT / "bot" / "compose").rglob("*.py")), PLATFORM_LIBRARIES) == {}


def test_principle_titles_live_only_in_the_data_file() -> None:
    import yaml

    data = yaml.safe_load((ROOT / "bot/data/principles.yaml").read_text(encoding="utf-8"))
    titles = [p["title"] for p in data["principles"]]
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "adapters").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        for title in titles:
            assert title not in source, f"{path} repeats the principle title {title!r}"


def test_no_test_module_imports_another() -> None:
    """Tests share fixtures through a conftest.py and helpers through tests/fakes/ and
    tests/helpers.py, never by importing a test module: each can run, move or go alone."""
    found = {}
    for path in (ROOT / "tests").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                named.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):  # also `from . import test_x`, `from .test_x`
                named.update([node.module or "", *(alias.name for alias in node.names)])
        bad = {n for n in named if any(part.startswith("test_") for part in n.split("."))}
        if bad:
            found[str(path.relative_to(ROOT))] = sorted(bad)
    assert found == {}
