# CloseLoop — the two commands of the README's quick start, and their building blocks.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install lint typecheck test-sqlite test-postgres test-tmf messages clean

$(BIN)/closeloop: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/closeloop

install: $(BIN)/closeloop

## demo: install, migrate, load the demo data and serve on http://127.0.0.1:8000
demo: install
	-scripts/ensure-pdf-libs
	$(BIN)/closeloop seed --demo
	$(BIN)/closeloop serve --host $(HOST) --port $(PORT)

## test: install, lint, type-check, and run the suite on SQLite and on a throwaway PostgreSQL
test: install lint typecheck test-sqlite test-postgres test-tmf

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

## test-sqlite also runs the browser tests (Playwright with Debian's Chromium); both test
## targets need Pango and a Chinese font for the report PDFs (scripts/ensure-pdf-libs)
test-sqlite:
	scripts/ensure-chromium
	scripts/ensure-pdf-libs
	CLOSELOOP_TEST_DB=sqlite $(BIN)/pytest -n auto --dist loadgroup --durations=25

test-postgres:
	scripts/ensure-postgres
	scripts/ensure-pdf-libs
	CLOSELOOP_TEST_DB=postgres $(BIN)/pytest -m "not browser" -n auto --dist loadgroup --durations=25

## test-tmf: the TM Forum conformance kits (newman from npm) against a throwaway server
test-tmf: install
	scripts/tmf-ctk

## messages: refresh the console's translation catalogues after changing page texts
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output -o build/messages.pot .
	$(BIN)/pybabel update -i build/messages.pot -d src/closeloop/console/translations -l zh_CN --no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/pybabel update -i build/messages.pot -d src/closeloop/console/translations -l en --no-fuzzy-matching --ignore-obsolete --no-wrap

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info
