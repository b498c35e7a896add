# Two commands do all the setup on a fresh machine with Python 3.11+ and pip:
#   make report   - create .venv, install, render the sample period's reports into reports/2026-10/
#   make test     - create .venv, install with test tools and a browser, lint (ruff), run every test and notebook
#                   on every core (plain `pytest` runs them one after another; `pytest -m 'not slow'` for the inner loop)
PYTHON ?= python3
# Python writes each module's bytecode on its first import. Some machines set PYTHONDONTWRITEBYTECODE
# (this one does), and the install compiles nothing: every process would compile its imports again (the
# report's took 6.5 s instead of 2.6 s), in a suite that starts some 60 processes.
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
BIN := $(VENV)/bin
PERIOD ?= 2026-10

.PHONY: report check test clean

# uv installs in half pip's time; pip (and the machine's own pip indexes) when uv cannot reach an index
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	($(BIN)/python -m pip install --quiet uv && $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]') \
		|| $(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (gdpr-audit)" > /dev/null
	touch $@

report: $(BIN)/.installed
	$(BIN)/gdpr-audit report --data sample_data --period $(PERIOD) --out reports

check: $(BIN)/.installed
	$(BIN)/gdpr-audit check --data sample_data --period $(PERIOD) --out reports/check-$(PERIOD)

test: $(BIN)/.installed
	bash scripts/install_browser.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n logical

clean:
	rm -rf $(VENV) reports/20*
