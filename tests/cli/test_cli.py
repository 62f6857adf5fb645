"""The `outreach-review` command, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.principles import REQUIRED_IDS, load_principles
from tests.helpers import CLI_ENV, COLD_PITCH, LABELLED_RECORDS, cli

DRAFT = COLD_PITCH  # the labelled cold record's draft


def run(*args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return cli(*args, env=CLI_ENV, cwd=cwd, stdin=stdin)


def test_review_prints_score_verdict_principles_and_highlighted_evidence(draft_file: Path) -> None:
    result = run("review", str(draft_file), "--no-llm")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Score " in out and "Rewrite it" in out
    assert "✗ Lead with them, not you" in out
    assert "[[I'm the founder of Loopwise" in out  # the evidence, highlighted in context
    assert "Questions you could ask:" in out
    assert "Graded by the built-in rules." in out


def test_review_json_has_the_documented_shape(draft_file: Path) -> None:
    result = run("review", str(draft_file), "--json", "--no-llm")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "score",
        "verdict",
        "kind",
        "source",
        "principles",
        "questions",
        "rewrite",
        "notes",
    }
    assert data["source"] == "rules" and data["verdict"] == "rewrite"
    finding = data["principles"][0]["findings"][0]
    assert set(finding) == {"severity", "message", "suggestion", "quote", "start", "end"}
    assert DRAFT[finding["start"] : finding["end"]] == finding["quote"]


def test_review_reads_stdin_and_without_a_model_says_so() -> None:
    result = run("review", "-", "--json", stdin=DRAFT)
    data = json.loads(result.stdout)
    assert data["source"] == "rules" and data["fallback_reason"] == "no_model"


@pytest.mark.parametrize("content", [b"", b"   \n\t  \n"])
def test_empty_draft_is_a_clear_error_with_exit_2(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    result = run("review", str(path), "--no-llm")
    assert result.returncode == 2
    assert "the draft is empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Olá João, café?".encode("latin-1"))
    result = run("review", str(path), "--no-llm")
    assert result.returncode == 2
    assert "not valid UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_is_a_clear_error() -> None:
    result = run("review", "/nonexistent/draft.txt", "--no-llm")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_an_overlong_draft_is_reviewed_up_to_the_limit_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(DRAFT * 200, encoding="utf-8")
    data = json.loads(run("review", str(path), "--json", "--no-llm").stdout)
    assert any("10,000" in note for note in data["notes"])


def test_chat_markup_alone_is_nothing_to_review(tmp_path: Path) -> None:
    path = tmp_path / "markup.txt"
    path.write_text("<!channel> <@U1> <#C1|x> <https://a.b|c> <@123> :tada: **hi** 🎉\n", "utf-8")
    result = run("review", str(path), "--json", "--no-llm")
    assert result.returncode == 2 and not result.stdout
    assert "nothing to review" in result.stderr and "Traceback" not in result.stderr
    with_words = tmp_path / "words.txt"
    with_words.write_text("<!channel> <@U1> :tada: Would love to connect with you!\n", "utf-8")
    result = run("review", str(with_words), "--json", "--no-llm")
    assert result.returncode == 0
    assert json.loads(result.stdout)["principles"][2]["status"] == "fail"  # markup is no detail


def test_batch_writes_one_line_per_input_in_order_and_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": DRAFT}),
                "{not json",
                json.dumps({"id": "c", "text": "   "}),
                json.dumps({"id": "d"}),
                json.dumps({"id": 5, "text": "Hi Jo, how did the Lisbon launch go for your team?"}),
            ]
        ),
        encoding="utf-8",
    )
    result = run("batch", str(path), "--no-llm")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 2, "c", "d", 5]
    assert "review" in lines[0] and lines[0]["review"]["verdict"] == "rewrite"
    assert "not valid JSON" in lines[1]["error"]
    assert "empty" in lines[2]["error"] and "text" in lines[3]["error"]
    assert "review" in lines[4]


def test_eval_prints_per_label_scores_and_the_verdict_confusion(tmp_path: Path) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in LABELLED_RECORDS), encoding="utf-8")
    text = run("eval", str(path)).stdout
    for word in (
        "leads_with_self",
        "no_responsibility",
        "macro-F1",
        "kind accuracy",
        "verdict accuracy",
        "critical misses",
    ):
        assert word in text
    data = json.loads(run("eval", str(path), "--json").stdout)
    assert data["records"] == 2
    assert data["verdict_confusion"]["rewrite"]["rewrite"] == 1
    assert data["labels"]["pitch"]["f1"] == 1.0
    assert data["labels"]["no_responsibility"]["support"] == 0  # only reconnect records count


def test_eval_rejects_a_file_that_is_not_labelled(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "hi"}), encoding="utf-8")
    result = run("eval", str(path))
    assert result.returncode == 2 and "missing" in result.stderr


def test_principles_lists_all_six_with_the_conventions_that_decide_hard_cases() -> None:
    out = run("principles").stdout
    for principle in load_principles():
        assert principle.id in out and f"Counts: {principle.convention}" in out
    assert {p["id"] for p in json.loads(run("principles", "--json").stdout)} == set(REQUIRED_IDS)


def test_no_command_prints_help_and_exit_2() -> None:
    result = run()
    assert result.returncode == 2 and "review" in result.stdout


def test_rules_path_imports_no_model_or_platform_library(draft_file: Path) -> None:
    code = (
        "import sys; from bot.cli import main; rc = main(['review', sys.argv[1], '--no-llm']);"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('openai', 'slack_bolt', 'slack_sdk',"
        " 'discord', 'aiohttp', 'sqlalchemy')]; print('LOADED', bad); sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(draft_file)],
        capture_output=True,
        env=CLI_ENV,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"LOADED []" in result.stdout


def test_a_rules_only_review_does_not_load_the_async_stack() -> None:
    # asyncio alone costs ~40 ms of start-up, a seventh of `review --no-llm FILE`.
    probe = (
        "import sys\n"
        "sys.argv = ['outreach-review', 'review', '--no-llm', '-']\n"
        "from bot.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('asyncio' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        input="Hi Sam, loved your post on tides. How do you calibrate the gauges?",
        capture_output=True,
        text=True,
        env=CLI_ENV,
        timeout=60,
    )
    assert "Lead with them" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False"
