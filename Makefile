# `make run` serves the app; `make test-fast` is the loop while developing (tests not marked
# slow); `make test` runs every check (lint, types, the whole suite) as CI does.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
EXTRAS ?= dev
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: run test test-fast install lint typecheck unit eval bench train clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/groundwork serve

lint: install
	$(BIN)/ruff check rag ingest ui evals tests corpus
	$(BIN)/ruff format --check rag ingest ui evals tests corpus

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

# Skips the tests marked slow (real subprocesses, long ingests, the browser, real models).
test-fast: install
	$(BIN)/pytest -q -m "not slow"

test: lint typecheck unit

eval: install
	$(BIN)/groundwork eval

bench: install
	$(BIN)/groundwork bench

# Reproduces rag/models/answerability/ from the corpus's train split (seeded; ~25 min idle).
# Unbuffered, so progress shows as it happens.
train: install
	PYTHONUNBUFFERED=1 $(BIN)/groundwork train --out rag/models/answerability \
		--candidates 6 --epochs 1 --lr 4e-5 --max-length 96 --threads 1

clean:
	rm -rf $(VENV) .groundwork .pytest_cache .mypy_cache .ruff_cache
