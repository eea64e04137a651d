# The two commands of the README: `make ingest` runs the main job, `make test` the tests.
# Both create or refresh .venv on first use; nothing else to install by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: ingest test demo lint typecheck unit browser clock-sweep bench models clean

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

unit: $(STAMP) browser
	$(BIN)/pytest -q

# The static site's tests drive headless Chromium (Debian's package, through Playwright).
# Installed here when missing on a root shell with apt-get; otherwise those tests fail saying
# what to install (CTGOV_CHROMIUM may name another Chromium binary).
browser:
	@command -v chromium >/dev/null || [ -n "$$CTGOV_CHROMIUM" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium (Debian package) for the site's browser tests"; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "warning: no chromium; the site's browser tests will fail: sudo apt-get install -y chromium" >&2; \
	  fi; }

# The suite again on a shifted clock (libfaketime also shifts DuckDB's now()): just after
# midnight UTC in a zone still on the previous day, and just before midnight UTC in a zone
# already on the next one. A test that depends on the hour or the time zone fails here.
# CI runs it after `make test`; it needs faketime (apt-get install -y faketime).
SWEEP_DAY = $$(date -u +%F)
clock-sweep: $(STAMP)
	@command -v faketime >/dev/null || { echo "clock-sweep needs faketime: apt-get install -y faketime" >&2; exit 1; }
	TZ=America/Adak faketime "$(SWEEP_DAY) 00:30:00 UTC" $(BIN)/pytest -q -p no:cacheprovider
	TZ=Pacific/Kiritimati faketime "$(SWEEP_DAY) 23:30:00 UTC" $(BIN)/pytest -q -p no:cacheprovider

demo: $(STAMP)
	$(BIN)/python -m flows.demo

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.bench_bulk
	$(BIN)/python -m bench.bench_cli
	$(BIN)/python -m bench.bench_diff
	$(BIN)/python -m bench.bench_normalize
	$(BIN)/python -m bench.bench_models
	$(BIN)/python -m bench.bench_ingest
	$(BIN)/python -m bench.bench_scale

models: $(STAMP)
	$(BIN)/python -m models.codegen

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
