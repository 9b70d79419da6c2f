# Two targets do everything on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-all lint clean

# Python's bytecode cache stays on for these commands, whatever the environment says (some set
# PYTHONDONTWRITEBYTECODE): without it every process compiles seguridad's modules again and
# pytest rewrites every test module in each worker (~1 s of a worker's start).
unexport PYTHONDONTWRITEBYTECODE

# Set up, then run the nightly job on the files shipped in raw/: ingest, build the warehouse,
# write the standard change report under warehouse/reports/<date>/.
run: $(STAMP)
	$(BIN)/seguridad refresh

# The fast tier: every test not marked slow (a real server, Dask, Spark, a browser, a SIGKILL,
# a full-size file). One worker per core, at most 4; a module's tests stay on one worker,
# sharing its fixtures. The ten slowest are printed, so the next slow test is seen.
PYTEST := $(BIN)/pytest -q -n auto --maxprocesses 4 --dist loadscope --durations=10
test: $(STAMP)
	$(PYTEST) -m "not slow"

# The whole suite, slow tests included: what CI runs (.ci/run).
test-all: $(STAMP)
	$(PYTEST)

lint: $(STAMP)
	$(BIN)/ruff check .

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) warehouse/*.duckdb warehouse/.build warehouse/reports
