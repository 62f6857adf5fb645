"""The rules-only path must never pay for importing the openai SDK."""

from __future__ import annotations

import subprocess
import sys

from bot.settings import Settings


def test_importing_bot_llm_does_not_import_openai() -> None:
    code = "import bot.llm, sys; assert 'openai' not in sys.modules, 'openai was imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_building_with_the_model_off_does_not_import_openai() -> None:
    code = (
        "import sys; from bot.llm import build_grader; from bot.settings import Settings;"
        "assert build_grader(Settings(openai_api_key='sk-x', outreach_llm='off')) is None;"
        "assert 'openai' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_llm_enabled_needs_a_key_or_a_base_url() -> None:
    assert not Settings(openai_api_key=None, openai_base_url=None).llm_enabled
    assert Settings(openai_api_key=None, openai_base_url="http://127.0.0.1:11434/v1").llm_enabled
