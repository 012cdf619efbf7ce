# The two commands: `make run` serves the demo, `make test` runs the suite. Both set up .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export COORDINATOR_INSTANCE ?= $(CURDIR)/instance
SHELL := /bin/bash   # the install steps use pipefail: pip's own failure fails the step

.PHONY: run test install install-test migrate demo clean serve-flows bench soak

# the stamp files re-run pip whenever pyproject.toml changes
# each step says what it does: the first install takes a few minutes
$(BIN)/python:
	@echo "== creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "== installing the coordinator and its packages (a few minutes the first time; pip lists each one)"
	set -o pipefail; $(BIN)/pip install --progress-bar off -e . 2>&1 | { grep --line-buffered -E '^(Collecting|Successfully installed|ERROR)' || true; }
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	@echo "== installing the coordinator with its test tools (a few minutes the first time)"
	set -o pipefail; $(BIN)/pip install --progress-bar off -e '.[test]' 2>&1 | { grep --line-buffered -E '^(Collecting|Successfully installed|ERROR)' || true; }
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	@echo "== bringing the database up to date ($(COORDINATOR_INSTANCE))"
	$(BIN)/flask --app wsgi db upgrade

demo: migrate
	@echo "== loading the demo cases (once: a database that holds cases is left as it is)"
	$(BIN)/flask --app wsgi demo --if-empty

# the web server answers at once; beside it a child process runs the dispatcher and the sweep's
# schedule with real Prefect flow runs on Prefect's embedded backend (ready ~15 s later; nothing waits)
run: demo
	@echo "== starting the flows (the dispatcher and the sweep log to $(COORDINATOR_INSTANCE)/flows.log)"
	@$(BIN)/flask --app wsgi demo --accounts http://$(HOST):$(PORT)
	@$(BIN)/flask --app wsgi flows embedded >> "$(COORDINATOR_INSTANCE)/flows.log" 2>&1 & flows=$$!; \
	trap 'kill $$flows 2>/dev/null; wait $$flows 2>/dev/null' EXIT INT TERM; \
	COORDINATOR_ENV=development $(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

# served mode (README, "Running the flows"): Prefect server on PostgreSQL, sweep deployment + worker,
# DISPATCHERS dispatcher processes; the web tier runs apart (gunicorn) against the same DATABASE_URL
DISPATCHERS ?= 2
serve-flows: migrate
	$(BIN)/flask --app wsgi flows serve --dispatchers $(DISPATCHERS)

# the domain's unit tests first, on the standard library alone (no conftest: no Flask, no database, no Prefect),
# then everything else against the app and the database
test: install-test
	$(BIN)/python -m pytest --noconftest -q tests/unit
	$(BIN)/python -m pytest --ignore=tests/unit $(PYTEST_ARGS)

# not part of `make test`: schemathesis from the outside (every check, the stateful phase over the API's links)
# as each of the five parties against gunicorn on SQLite and on PostgreSQL (tests/fuzz/run.py; FUZZ_EXAMPLES,
# FUZZ_DATABASES, FUZZ_PARTIES narrow it), then the object-level (BOLA) and injection suites
.PHONY: fuzz
fuzz: install-test
	$(BIN)/python tests/fuzz/run.py
	$(BIN)/pytest -q tests/security/test_bola.py tests/security/test_injection.py

# not part of `make test`: builds a fresh PostgreSQL database (BENCH_DATABASE_URL, default coord_bench) and
# prints one table of figures, each against its baseline measured in the same run (README: Performance)
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# a mixed workload (walkthroughs end to end, portal and API readers, the embedded flows) for SOAK_SECONDS
# (default 120) against gunicorn on a fresh database (SOAK_DATABASE_URL, default a temporary SQLite file)
soak: $(VENV)/.installed-test
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) instance .pytest_cache
