"""Any `str` is a draft: lone surrogates (JSON's "\\ud800", bytes read with surrogateescape),
control characters, right-to-left and zero-width marks. The rules review it with every quote
the draft's own text; `batch` answers every line; piped bytes that are not UTF-8 get one
clear line from the console; Slack and Discord answer with a review. Only the public entry
points are used (`review_with_rules`, the CLI, the adapters through their fakes)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console import run_console
from adapters.discord.embeds import render_review as discord_review
from adapters.discord.embeds import render_rewrite
from adapters.slack.blocks import review_blocks, rewrite_blocks
from bot import review_with_rules
from bot.llm import build_grader
from bot.models import Review
from bot.render_text import render_review
from bot.service import ReviewService
from bot.settings import Settings
from bot.surrogates import has_surrogates
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import discord_settings, interact, running_bot
from tests.fakes.discord_payloads import slash_command
from tests.fakes.model_answers import answer, settings_for
from tests.fakes.openai_server import FakeOpenAI, ok
from tests.fakes.slack_harness import SlackHarness
from tests.fakes.slack_payloads import reaction
from tests.helpers import clean_env

SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)  # never drawn by st.text() or st.characters()
MARKS = st.sampled_from(
    [
        *"\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\r\t\u2028\u2029",  # control and line separators
        *"\u200b\u200c\u200d\u2060\ufeff\u00ad",  # zero-width
        *"\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # bidi
        "مرحبا يا سامي، ",  # Arabic
        "שלום דנה, ",  # Hebrew
        "\ud83d\ude00",  # a surrogate pair, which in a Python str is two lone surrogates
    ]
)
PHRASES = st.sampled_from(
    [
        "Hi Sam,\n\n",
        "I'm the founder of Loopwise",
        " we help companies like yours grow",
        " an award-winning platform",
        " Been a while! That's on me.",
        " Free for a call?",
        " How did you get the team to agree?",
        "\n\nBest,\nJo",
    ]
)
DRAFTS = st.lists(
    st.one_of(SURROGATES, MARKS, PHRASES, st.characters(), st.text(max_size=20)), max_size=60
).map("".join)
DRAFT = "Hi Sam,\nI'm the founder of Loop\ud800wise and we help companies like yours\udcff grow."


def assert_quotes_are_the_draft(text: str) -> None:
    review = review_with_rules(text)
    assert 0 <= review.score <= 100 and review.verdict in ("send", "revise", "rewrite")
    for principle in review.principles:
        for finding in principle.findings:
            assert 0 <= finding.start <= finding.end <= len(text)
            assert text[finding.start : finding.end] == finding.quote
    # What the CLI writes (raw text, surrogates backslash-escaped) is JSON that reads back as
    # the standard escaped form does (a high+low pair reads back as the one character it is).
    out = json.dumps(review.to_dict(), ensure_ascii=False).encode("utf-8", "backslashreplace")
    assert json.loads(out) == json.loads(json.dumps(review.to_dict()))
    render_review(review, text).encode("utf-8", "backslashreplace")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DRAFTS)
def test_any_str_is_reviewed_with_every_quote_the_drafts_own_text(text: str) -> None:
    assert_quotes_are_the_draft(text)


def test_a_lone_surrogate_alone_and_inside_a_finding() -> None:
    for text in ("\ud800", "\udfff" * 3, DRAFT, DRAFT * 300):
        assert_quotes_are_the_draft(text)
    quotes = [f.quote for p in review_with_rules(DRAFT).principles for f in p.findings]
    assert any("\ud800" in q or "\udcff" in q for q in quotes), "a quote spans a surrogate"


def run(args: list[str], tmp_path: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        env=clean_env(tmp_path, OUTREACH_LLM="off", DATABASE_URL="sqlite:///:memory:"),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def test_batch_answers_every_line_and_exits_0(tmp_path: Path) -> None:
    texts = [DRAFT, "\ud800", "Hi \x00\x1b[31m Jo \u202e\u200b, free for a call?", "\udcff\udcfe"]
    lines = [json.dumps({"id": n, "text": t}) for n, t in enumerate(texts)]
    lines.insert(2, "{not json")
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(["batch", "--no-llm", "in.jsonl"], tmp_path)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(answers) == len(lines)
    assert "not valid JSON" in answers[2]["error"]
    for wordless in (1, 4):  # only surrogates: nothing to review, said as an error
        assert "nothing to review" in answers[wordless]["error"]
    assert "review" in answers[0] and "review" in answers[3]
    [first] = [a for a in answers if a["id"] == 0]
    for principle in first["review"]["principles"]:
        for finding in principle["findings"]:  # read back exactly, surrogates included
            assert DRAFT[finding["start"] : finding["end"]] == finding["quote"]


def test_the_console_says_piped_bytes_are_not_utf8_and_exits_2(tmp_path: Path) -> None:
    draft = b"Hi Jo, SECRETWORD we help \xff\xfe companies like yours. Free for a call?"
    result = run(["serve", "--console"], tmp_path, stdin=draft)
    assert result.returncode == 2
    assert b"not valid UTF-8" in result.stderr
    assert b"Traceback" not in result.stderr
    assert b"SECRETWORD" not in result.stdout + result.stderr


def test_every_renderer_takes_quotes_and_a_rewrite_with_lone_surrogates() -> None:
    review = replace(review_with_rules(DRAFT), rewrite=DRAFT * 100)
    assert any(has_surrogates(f.quote) for p in review.principles for f in p.findings)
    render_review(review, DRAFT).encode("utf-8", "backslashreplace")  # the CLI's stdout
    json.dumps(review_blocks(review, "private") + rewrite_blocks(review))  # as slack_sdk sends
    embeds = [e.to_dict() for e in discord_review(review).embeds]
    discord.utils._to_json(embeds)  # as discord.py sends
    [attached] = render_rewrite(review).files()
    assert attached.fp.read().decode("utf-8").startswith("Hi Sam")


async def test_the_console_prints_a_review_of_a_line_with_lone_surrogates() -> None:
    out = io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)  # strict, like a tty
    stdin = io.StringIO(DRAFT.replace("\n", " ") + "\n\n/quit\n")  # as surrogateescape reads
    service = ReviewService(Settings(outreach_llm="off"))
    assert await run_console(service, Settings(), stdin, stdout, interactive=True) == 0
    assert out.getvalue().decode("utf-8").count("Score ") == 1


async def test_the_model_grades_a_draft_with_lone_surrogates(openai: FakeOpenAI) -> None:
    openai.always(ok(answer()))
    grader = build_grader(settings_for(openai))
    service = ReviewService(Settings(outreach_llm="off"), grader=grader)
    try:
        review = await service.review(DRAFT, platform="cli")
    finally:
        await service.aclose()
    assert isinstance(review, Review) and review.source != "rules"
    assert "Loop\ufffdwise" in openai.requests[0].message_text("user")


async def test_slack_reviews_a_message_with_lone_surrogates() -> None:
    async with SlackHarness() as slack:
        message = slack.api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        await slack.event(reaction(message["ts"]), event_id="EvSurrogate")
        [posted] = await slack.api.wait_for("chat.postMessage")
    sent = json.dumps(posted.params)
    assert "Graded by" in sent and "went wrong" not in sent
    assert "Loop\\ufffdwise" in sent, "the quote shows U+FFFD where the surrogate was"


async def test_discord_reviews_a_draft_with_lone_surrogates(fake: FakeDiscord) -> None:
    settings = discord_settings(fake)
    async with running_bot(fake, ReviewService(settings), settings):
        answer = await interact(fake, slash_command("reviewoutreach", {"draft": DRAFT}))
    sent = json.dumps(answer.body)
    assert "Graded by" in sent and "went wrong" not in sent
    assert "Loop\\ufffdwise" in sent
