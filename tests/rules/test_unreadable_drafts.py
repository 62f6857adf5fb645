"""Drafts the rules cannot judge: nothing but emoji, links or markup; another language; a
wall of text. Each gets a clear answer, never a confident review of nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.ports import Rejected
from bot.render_text import render_review
from bot.rules import NOTHING_TO_REVIEW, review_with_rules, reviewable
from bot.rules.engine import NOT_ENGLISH
from bot.service import ReviewService
from bot.settings import Settings
from tests.helpers import CLI_ENV, ROOT

HARD_SELL_ES = (
    "Hola Jordan,\n\nSoy el fundador de Loopwise y ayudamos a empresas como la tuya a reducir "
    "la rotación de clientes un 30%. Nuestra plataforma es la mejor del mercado. ¿Tienes 15 "
    "minutos esta semana para una demo?\n\nSaludos,\nMarco"
)
WORDLESS = [
    "🎉🚀👍",
    "https://example.com/pricing?ref=outreach",
    "<!channel> <@U024BE7LH> <#C1|general> :tada: :rocket:",
    "<@123456789012345678> <:party:1234> **__~~ ~~__**",
]


@pytest.mark.parametrize("text", WORDLESS)
def test_nothing_but_emoji_links_or_markup_is_nothing_to_review(text: str, tmp_path: Path) -> None:
    assert not reviewable(text)
    path = tmp_path / "draft.txt"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "review", str(path), "--no-llm"],
        capture_output=True, text=True, env=CLI_ENV, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and not result.stdout
    assert "nothing to review" in result.stderr


async def test_in_chat_nothing_to_review_is_a_friendly_refusal(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'x.db'}")
    service = ReviewService(settings)  # the rules only
    try:
        outcome = await service.review("🎉 https://example.com 🎉", platform="slack", user="U1")
    finally:
        await service.aclose()
    assert isinstance(outcome, Rejected) and outcome.message == NOTHING_TO_REVIEW


def test_a_hard_sell_in_spanish_is_never_sent_on_the_rules_word() -> None:
    review = review_with_rules(HARD_SELL_ES)
    assert review.verdict != "send" and review.score < 75
    assert all(p.status == "n/a" for p in review.principles)
    assert NOT_ENGLISH in review.notes
    assert "any language" in NOT_ENGLISH and "English only" in NOT_ENGLISH


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour Marie, je suis le fondateur de Loopwise et nous aidons les entreprises comme la "
        "vôtre à réduire le churn de 30 %. Avez-vous quinze minutes pour une démo ?",
        "Hallo Jonas, ich bin Gründer von Loopwise und wir helfen Firmen wie Ihrer, die "
        "Abwanderung um 30 % zu senken. Haben Sie nächste Woche Zeit für eine Demo?",
        "Привет, Иван! Я основатель Loopwise, мы помогаем компаниям снизить отток клиентов.",
    ],
)
def test_other_languages_are_judged_on_nothing(text: str) -> None:
    review = review_with_rules(text)
    assert review.verdict == "revise" and all(p.status == "n/a" for p in review.principles)


def test_terse_technical_english_is_still_read() -> None:
    review = review_with_rules(
        "Jesse, your DMS benchmark on S669 (N=52) tracks our stability scores at rho=0.58. "
        "Do you have deep mutational scans for SARS-CoV-2 spike we could test against?"
    )
    assert NOT_ENGLISH not in review.notes


def test_a_wall_of_text_is_cut_with_the_note_first_and_findings_folded() -> None:
    text = (
        "Hi Sam, we help teams like yours cut churn by 30% with our platform. "
        "I came across your profile. Free for a demo? "
    ) * 400  # ~50,000 characters
    review = review_with_rules(text)
    shown = [f for p in review.principles for f in p.findings]
    assert len(shown) <= 30
    assert any("more like this" in f.message for f in shown)
    assert all(len(p.findings) <= 3 for p in review.principles)
    rendered = render_review(review, text).splitlines()
    assert "only the first 10,000" in rendered[1]  # right under the headline
    assert len(rendered) < 90
