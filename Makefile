# The commands of the README: `make run`, `make test` and `make bench`.
# The newest Python from 3.13 down to 3.11 on the PATH (scripts/find-python); another with
# e.g. make test PYTHON=python3.13 VENV=.venv-3.13.
ifeq ($(strip $(PYTHON)),)
PYTHON := $(shell bash scripts/find-python 2>/dev/null)
endif
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app association
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install system lint bench clean

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then bash scripts/find-python; exit 1; fi
	@echo "Making $(VENV) with $$($(PYTHON) --version) ($(PYTHON))"
	@PYTHON="$(PYTHON)" bash scripts/setup-system --venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstalled whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The compiled catalogs (never committed), each rebuilt when its .po changes.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard association/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po | $(VENV)/.installed
	$(BIN)/python -m association.catalogs compile $(word 3,$(subst /, ,$<))

install: $(VENV)/.installed $(CATALOGS)

system:
	@bash scripts/setup-system $(SYSTEM_FLAGS)

# The served address goes to every step: seed-demo seals PDFs whose QR codes carry it, and
# the application warns when BASE_URL says otherwise.
# Development also lets webhooks go to this machine (http://127.0.0.1, http://localhost).
SERVE := FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT) WEBHOOK_ALLOW_LOOPBACK=true

run: system install
	$(SERVE) $(FLASK) db upgrade
	$(SERVE) $(FLASK) seed-demo
	$(SERVE) $(FLASK) run

# One test worker per core (pytest-xdist); PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto
test: system install
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The benchmark (bench/run.py): installs wrk through setup-system --bench, then prints one table.
# Options through BENCH_ARGS, e.g. make bench BENCH_ARGS="--duration 5 --skip-postgres".
bench: install
	@bash scripts/setup-system --bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf .venv .venv-3.* .pytest_cache .ruff_cache .mypy_cache
