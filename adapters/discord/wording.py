"""The Discord adapter's own wording, read once from `discord.yaml`."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def _data() -> dict[str, Any]:
    text = resources.files("adapters.discord").joinpath("discord.yaml").read_text("utf-8")
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict)
    return loaded


def message(key: str, **values: str) -> str:
    template = str(_data()["messages"][key])
    return template.format(**values) if values else template


def error_message(kind: str) -> str:
    errors: dict[str, str] = _data()["messages"]["errors"]
    return errors.get(kind, errors["internal"])
