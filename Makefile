# The two commands of the quick start: `make demo` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Browser-test tools from the npm registry (the Nu HTML validator and axe-core), kept in the venv.
NODE_TOOLS := $(VENV)/node/node_modules
DEMO_ENV := MAGAZINE_DEMO=1

.PHONY: demo test lint check pytest serve clean bench-images bench-search bench bench-lighthouse bench-import

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(NODE_TOOLS)/.installed:
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix $(VENV)/node vnu-jar@26 axe-core@4 && touch $@; \
	else \
		echo "npm not found: the HTML validity and accessibility tests will be skipped"; \
	fi

# Google's Lighthouse, from the npm registry into the same folder: only bench-lighthouse needs it.
LIGHTHOUSE := $(NODE_TOOLS)/.bin/lighthouse

$(LIGHTHOUSE):
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: it installs Lighthouse"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node lighthouse@12

demo: $(VENV)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo "Serving the demo magazine at http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(DEMO_ENV) GUNICORN_ACCESS_LOG=- $(BIN)/gunicorn -c gunicorn.conf.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(VENV)/.installed-test
	DEBUG=1 $(BIN)/python manage.py check --fail-level WARNING
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

pytest: $(VENV)/.installed-test $(NODE_TOOLS)/.installed
	NODE_TOOLS=$(abspath $(NODE_TOOLS)) $(BIN)/pytest

test: lint check pytest

# Sizes and timings of a 12-megapixel photograph's renditions; a measurement, not a test.
bench-images: $(VENV)/.installed
	DEBUG=1 $(BIN)/python bench/images.py

# Search latency over 10,000 pieces on a throwaway SQLite database, and on a throwaway
# PostgreSQL database when one answers at BENCH_POSTGRES_URL; a measurement, not a test.
bench-search: $(VENV)/.installed
	DEBUG=1 $(BIN)/python bench/search.py

# `manage.py import_wordpress` on a generated export of 10,000 posts, 500 authors and 2,000
# pictures into a throwaway SQLite site: time, peak memory and rate; then the memory of reading
# a 200 MB export. A measurement, not a test.
bench-import: $(VENV)/.installed
	$(BIN)/python bench/wordpress_import.py

# The whole site under production settings (gunicorn.conf.py, DEBUG off) with 10,000 pieces on a
# throwaway SQLite database: req/s and latency by wrk (Debian's package), queries per page,
# memory per worker, and readers with editors at once. A measurement, not a test.
bench: $(VENV)/.installed
	$(BIN)/python bench/site.py

# Lighthouse's four scores (performance, accessibility, best practices, SEO) for the home page and
# an article of the demo magazine under production settings, as a phone and as a desktop, with
# Debian's Chromium and no internet. A measurement, not a test.
bench-lighthouse: $(VENV)/.installed $(LIGHTHOUSE)
	NODE_TOOLS=$(abspath $(NODE_TOOLS)) $(BIN)/python bench/lighthouse.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
