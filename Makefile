# Two commands for a new clone: `make demo` and `make test`. Each builds .venv when needed, and
# builds it again when it was made with another Python than $(PYTHON).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Which Python .venv was made with, e.g. 3.11.7.
MADE_WITH := $(VENV)/.made-with
PYTHON_VERSION := $(shell $(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null)

.PHONY: demo test lint typecheck unit bench run clean python-version

$(STAMP): pyproject.toml $(MADE_WITH)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Rewritten (so .venv is rebuilt) only when $(PYTHON) is not the Python .venv was made with.
$(MADE_WITH): python-version
	@made_with=$$(cat $@ 2>/dev/null || $(BIN)/python -c 'import platform; print(platform.python_version())' 2>/dev/null); \
	if [ "$$made_with" != "$(PYTHON_VERSION)" ]; then \
		if [ -e $(VENV) ]; then \
			echo "$(VENV) was made with Python $${made_with:-unknown}; rebuilding it with $(PYTHON) ($(PYTHON_VERSION))"; \
			rm -rf $(VENV); \
		fi; \
		mkdir -p $(VENV) && echo "$(PYTHON_VERSION)" > $@; \
	elif [ ! -f $@ ]; then \
		echo "$(PYTHON_VERSION)" > $@ && touch -r $(STAMP) $@ 2>/dev/null || true; \
	fi

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "error: this project needs Python 3.11 or newer; $(PYTHON) is $(or $(PYTHON_VERSION),not found)." >&2; \
		echo "       Install one and run e.g. make test PYTHON=python3.11" >&2; \
		exit 1; }

demo: $(STAMP)
	$(BIN)/python -m bot card 1 --demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy bot blocks devkit bench

unit: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck unit

# The full benchmark (minutes); writes bench/RESULTS.md and bench/latency.png.
bench: $(STAMP)
	$(BIN)/python -m bench

run: $(STAMP)
	$(BIN)/python -m bot

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
