# One entry point for people and CI alike: `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     := data/shuangyong.duckdb
PORT   ?= 8501

.PHONY: setup system-deps native run ingest test check format lint types pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	touch $(STAMP)

# Chromium and CJK fonts: chart export (kaleido) and the browser tests need them.
system-deps:
	@bash scripts/install-system-deps.sh

# The extraction core compiled with mypyc beside its sources (etl/native.py says why, and
# how a copy older than its sources is never run); rebuilt whenever an ETL source changes.
NATIVE := etl/native.json
$(NATIVE): $(STAMP) $(wildcard etl/*.py etl/gazetteer/*.py)
	$(BIN)/python -m etl.native_build

native: $(NATIVE)

setup: $(STAMP) $(NATIVE) system-deps

$(DB): $(STAMP) $(wildcard corpus/*.txt)
	$(BIN)/python -m etl ingest --no-progress --db $(DB)

ingest: $(STAMP)
	$(BIN)/python -m etl ingest --db $(DB)

run: setup $(DB)
	$(BIN)/streamlit run dashboard.py --server.port $(PORT)

format: $(STAMP)
	$(BIN)/ruff format .

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

# What CI runs: format, lint (with the import contracts), types, then every test.
test: lint types pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_etl.py
	$(BIN)/python bench/bench_queries.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build *.egg-info $(NATIVE)
	find etl -name '*.so' -delete
