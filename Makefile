# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

EVAL_DIR ?= ../shared/eval
EVAL_ANSWERS ?= $(EVAL_DIR)/model_answers/dev.jsonl
EVAL_FLAGS ?=

.PHONY: run test lint typecheck bench eval eval-cv eval-written train eval-llm rule-precision clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	@$(BIN)/outreach-review serve

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot adapters tests benchmarks
	$(BIN)/ruff format --check bot adapters tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_rules.py

eval: $(VENV)/.installed
	$(BIN)/outreach-review eval $(EVAL_DIR)/dev.jsonl

# Rules alone, the model's answer alone and the project's path, side by side, offline: the fake
# OpenAI server serves the model's recorded answers (EVAL_FLAGS=--json for JSON).
eval-cv: $(VENV)/.installed-dev
	$(BIN)/outreach-review eval --cv $(EVAL_DIR)/dev.jsonl

# Drafts written for measuring by sessions that saw only the rubric (benchmarks/data/README.md).
eval-written: $(VENV)/.installed
	$(BIN)/outreach-review eval benchmarks/data/written_holdout.jsonl $(EVAL_FLAGS)
	$(BIN)/outreach-review eval benchmarks/data/written_holdout2.jsonl $(EVAL_FLAGS)
	$(BIN)/outreach-review eval benchmarks/data/written_holdout3.jsonl $(EVAL_FLAGS)
	$(BIN)/outreach-review eval benchmarks/data/written_dev.jsonl $(EVAL_FLAGS)

train: $(VENV)/.installed-dev
	$(BIN)/outreach-review train $(EVAL_DIR)/dev.jsonl

eval-llm: $(VENV)/.installed-dev
	$(BIN)/python -m tests.fakes.recorded_answers \
		--answers $(EVAL_ANSWERS) --labelled $(EVAL_DIR)/dev.jsonl \
		-- $(BIN)/outreach-review eval --llm $(EVAL_DIR)/dev.jsonl $(EVAL_FLAGS)

# Each rule's precision on the labelled drafts, for the model merge: run after changing rules.
rule-precision: $(VENV)/.installed-dev
	$(BIN)/outreach-review eval --rule-precision $(EVAL_DIR)/dev.jsonl

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
