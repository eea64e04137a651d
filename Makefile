# The two commands of the README: `make ingest` runs the main job, `make test` the tests.
# Both create or refresh .venv on first use; nothing else to install by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: ingest test demo lint typecheck unit bench models clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

ingest: $(STAMP)
	$(BIN)/ctgov ingest

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

demo: $(STAMP)
	$(BIN)/python -m flows.demo

bench: $(STAMP)
	$(BIN)/python -m bench.bench_diff
	$(BIN)/python -m bench.bench_normalize
	$(BIN)/python -m bench.bench_models
	$(BIN)/python -m bench.bench_ingest

models: $(STAMP)
	$(BIN)/python -m models.codegen

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
