# The project's interface: make serve, make demo, make test, make lint, make bench.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve demo test lint bench clean screenshots

# The first run installs quietly: pip's own chatter goes to .venv/install.log, shown only if it fails.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing Remit and its dependencies into $(VENV) (about a minute; log: $(VENV)/install.log)"
	@( $(BIN)/python -m pip install --disable-pip-version-check --upgrade pip \
	   && $(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]' ) > $(VENV)/install.log 2>&1 \
	   || { tail -n 30 $(VENV)/install.log; echo "installing failed: the whole log is $(VENV)/install.log"; exit 1; }
	@touch $(STAMP)

# make serve PORT=8011 serves elsewhere; SERVE_ARGS passes anything else to `remit serve` (see `remit serve --help`).
PORT ?= 8000
serve: $(STAMP)
	@$(BIN)/remit serve --demo --port $(PORT) $(SERVE_ARGS)

demo: $(STAMP)
	$(BIN)/remit demo

# The tests' temporary folders, and the SQLite files in them, on tmpfs where the machine has one: on disk each
# SQLite commit waits for an fsync (the rights matrices ran a third faster on tmpfs). TEST_TMPDIR=/tmp puts
# them back on disk. --dist worksteal hands each test process half the tests in order (a module's tests and
# its one server mostly stay together) and lets the first one done take tests from the other.
TEST_TMPDIR ?= $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm)
test: $(STAMP)
	$(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR) )$(BIN)/python -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# bench/README.md: needs wrk (and nginx); measures PostgreSQL too if reachable. The queue grows to 100k decisions
# by default; QUEUE_SIZES=10000,100000,1000000 for the 1M run (each size writes its own section of
# BENCHMARKS.md, so a quick run keeps the recorded 1M one).
QUEUE_SIZES ?= 10000,100000
# bench/org_scale.py: 200 teams x 10 people x 10k decisions by default; ORG_ARGS=--quick for 20 x 1k.
ORG_ARGS ?= --teams 200 --decisions 10000
BENCH_STAMP := $(VENV)/.bench-installed
# status_surge.py also wants nginx (apt-get install -y nginx-light) and the bench extra (uvloop, httptools, granian).
$(BENCH_STAMP): $(STAMP)
	@echo "installing the bench extra (uvloop, httptools, granian) into $(VENV)"
	@$(BIN)/python -m pip install --disable-pip-version-check -e '.[dev,bench]' >> $(VENV)/install.log 2>&1 \
	   || { tail -n 30 $(VENV)/install.log; echo "installing failed: the whole log is $(VENV)/install.log"; exit 1; }
	@touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python bench/resolver_vs_cedar.py --write BENCHMARKS.md
	$(BIN)/python bench/service_load.py --write BENCHMARKS.md
	$(BIN)/python bench/sign_in_contention.py --guessers 1 --write BENCHMARKS.md
	$(BIN)/python bench/cli_startup.py --write BENCHMARKS.md
	$(BIN)/python bench/notify_outbox.py --write BENCHMARKS.md
	$(BIN)/python bench/queue_scale.py --sizes $(QUEUE_SIZES) --write BENCHMARKS.md
	$(BIN)/python bench/org_scale.py $(ORG_ARGS) --write BENCHMARKS.md
	$(BIN)/python bench/status_surge.py --write BENCHMARKS.md
	$(BIN)/python bench/workers.py --threads 8,40 --write BENCHMARKS.md
	$(BIN)/python bench/middleware_cost.py --write BENCHMARKS.md

# The main pages at 390 and 1440 px into docs/screenshots/ (needs Debian's chromium: apt-get install chromium).
screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py --out docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
