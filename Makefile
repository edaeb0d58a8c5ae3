# The project's interface: make serve, make demo, make test, make lint, make bench.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/remit serve --demo $(SERVE_ARGS)

demo: $(STAMP)
	$(BIN)/remit demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# bench/README.md: needs wrk; measures PostgreSQL too if it is reachable. The queue grows to 100k decisions
# by default; QUEUE_SIZES=10000,100000,1000000 for the 1M run (each size writes its own section of
# BENCHMARKS.md, so a quick run keeps the recorded 1M one).
QUEUE_SIZES ?= 10000,100000
bench: $(STAMP)
	$(BIN)/python bench/resolver_vs_cedar.py --write BENCHMARKS.md
	$(BIN)/python bench/service_load.py --write BENCHMARKS.md
	$(BIN)/python bench/sign_in_contention.py --guessers 1 --write BENCHMARKS.md
	$(BIN)/python bench/queue_scale.py --sizes $(QUEUE_SIZES) --write BENCHMARKS.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
