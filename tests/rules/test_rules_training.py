"""The learned weights: trained by one command, scored leave-one-source-out, never stale."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.evaluate import LABELS, source_group
from bot.rules.engine import MAX_DRAFT_CHARS, analyse_draft, review_text
from bot.rules.learned import Weights, data_fingerprint, load_weights
from bot.rules.train import train
from tests.helpers import ROOT

# Drafts written for these tests: a pitch that leads with the sender, and a good reconnect.
PITCHES = [
    "Hi {name},\n\nI'm the founder of {co} and we help retailers like yours cut returns by "
    "30% with our routing platform. Free for a 15-minute demo next week?\n\nBest,\nSam",
    "Hello {name}, my name is Dana and I run {co}, an award-winning agency. We've helped 200 "
    "brands grow. Let me know if you'd like a quick call.",
]
GOOD = [
    "Hi {name},\n\nIt's been far too long since we shipped the {co} checkout together, and "
    "that's on me. How did the move to weekly releases go for your team?\n\nCheers,\nAnia",
    "Hey {name}, sorry for going quiet after the {co} offsite. I still use your 'one owner per "
    "alert' rule. What would you change about it now that the team has doubled?",
]
NAMES = ["Marta", "Jonas", "Priya", "Tomasz", "Femi", "Rowan"]
COMPANIES = ["Fieldnote", "Brightline", "Ostrava Parcel", "Loopwise", "Zabka", "Tillpoint"]


def labelled(text: str, good: bool, source: str, number: int) -> dict[str, Any]:
    labels = dict.fromkeys(LABELS, not good)
    kind = "reconnect" if good else "cold"
    if kind == "cold":
        labels["no_responsibility"] = None
    verdict = "send" if good else "rewrite"
    return {"id": f"t-{number}", "source": source, "text": text, "kind": kind,
            "verdict": verdict, **labels}  # fmt: skip


def records() -> list[dict[str, Any]]:
    out = []
    for number, (name, company) in enumerate(zip(NAMES, COMPANIES, strict=True)):
        source = f"tests/source-{number % 3}:drafts.md"
        for template in PITCHES:
            out.append(labelled(template.format(name=name, co=company), False, source, len(out)))
        for template in GOOD:
            out.append(labelled(template.format(name=name, co=company), True, source, len(out)))
    return out


def test_weights_learned_from_labels_separate_what_the_labels_separate() -> None:
    data = records()
    weights = train(data)
    assert set(weights.models) == {*LABELS.values(), "kind"}
    pitch = review_text(PITCHES[0].format(name="Ines", co="Porto Labs"), MAX_DRAFT_CHARS,
                        weights=weights)  # fmt: skip
    good = review_text(GOOD[0].format(name="Ines", co="Porto Labs"), MAX_DRAFT_CHARS,
                       weights=weights)  # fmt: skip
    assert pitch.verdict == "rewrite" and pitch.principle("no_pitch").violated  # type: ignore[union-attr]
    assert good.verdict == "send" and good.kind == "reconnect"
    # The weights survive their file format.
    again = Weights.from_json(weights.to_json())
    features = analyse_draft(PITCHES[1])[2]
    assert again.probabilities(features) == pytest.approx(weights.probabilities(features), abs=1e-5)


def test_cli_train_writes_weights_and_eval_cv_reports_each_source_group(tmp_path: Path) -> None:
    labelled_file = tmp_path / "labelled.jsonl"
    labelled_file.write_text("\n".join(json.dumps(r) for r in records()) + "\n", encoding="utf-8")
    out = tmp_path / "weights.json"
    trained = subprocess.run(
        [sys.executable, "-m", "bot.cli", "train", str(labelled_file), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    assert Weights.from_json(out.read_text(encoding="utf-8")).meta["records"] == 24
    cv = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", str(labelled_file), "--cv", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert cv.returncode == 0, cv.stderr
    report = json.loads(cv.stdout)
    groups = {source_group(r["source"]) for r in records()}
    assert set(report["source_groups"]) == groups
    assert report["records"] == 24 and report["worst_group"] in groups
    assert 0.0 <= report["verdict_accuracy"] <= 1.0


def test_the_shipped_weights_were_trained_on_the_current_rules() -> None:
    weights = load_weights()
    assert weights is not None, "bot/data/weights.json is missing: run `make train`"
    assert weights.meta.get("data") == data_fingerprint(), (
        "lexicon.yaml, acts.yaml or rules.yaml changed since the weights were trained: "
        "run `make train` (and `make rule-precision`)"
    )
    known = set(analyse_draft(PITCHES[0])[2])
    for name, model in weights.models.items():
        missing = set(model.features) - known
        assert not missing, f"{name} reads features that no longer exist: {sorted(missing)}"


def test_without_weights_the_rules_decide_alone() -> None:
    review = review_text(PITCHES[0].format(name="Ines", co="Porto Labs"), MAX_DRAFT_CHARS,
                         weights=None)  # fmt: skip
    assert review.principle("no_pitch").status == "fail"  # type: ignore[union-attr]
    assert review.verdict == "rewrite"
