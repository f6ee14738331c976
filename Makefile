# One entry point for readers, authors and CI. Every target sets itself up on a fresh machine.
#   make serve   set up, then preview the site on http://127.0.0.1:8000 (reloads on edits)
#   make build   set up, then write the static site to site/ (strict: any warning fails)
#   make test    set up (Chromium too, as root), then lint, type-check and run the tests (which build the site)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Pages record this as their build date (sitemap), so that two builds of one commit are identical.
export NO_MKDOCS_2_WARNING := 1
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: setup browser serve build test lint bench clean

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it cannot download a browser of its own here).
# Installed when we may (root with apt-get); otherwise the browser tests say why they skip.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "make: /usr/bin/chromium is missing: the browser tests will skip (apt-get install chromium)"; \
	  fi; \
	fi

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup
	$(BIN)/mkdocs build --strict

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint browser
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf site .cache test-artifacts
