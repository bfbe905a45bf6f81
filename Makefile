# Two entry points for a fresh machine with Python 3.11: `make demo` and `make test`.
# Both create .venv and install the pinned set (constraints.txt) before running.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test install install-test clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "wirelake needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"

$(VENV)/.installed-base: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-test: $(VENV)/.installed-test

# PORT=N serves the offline news web on another port when the default one is taken
demo: install
	$(BIN)/wirelake demo $(if $(PORT),--port $(PORT))

# .venv/bin first on PATH: tests run the installed console scripts (airflow, wirelake) as users do.
# Two workers (pytest-xdist): the Airflow and crawl tests mostly wait on subprocesses, so a second
# worker fills that time; each worker has its own news web, S3 server and temporary homes.
test: install-test
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -n 2

clean:
	rm -rf $(VENV) lake
