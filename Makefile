# One entry point for readers, authors and CI. Every target sets itself up on a fresh machine.
#   make serve   set up what reading needs, then preview the site on http://127.0.0.1:8000 (reloads on edits)
#   make build   the same set-up, then write the static site to site/ (strict: any warning fails)
#   make check   while working: lint, type-check and the fast tier of the tests (not slow, no browser), on 2 workers
#   make test    set up the test stack too (Chromium as well, as root), then lint, type-check and run every test

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reading the site needs the pinned site tools and KaTeX; the tests add pytest, Playwright, mypy and Lighthouse.
SITE_STAMP := $(VENV)/.installed-site
DEV_STAMP := $(VENV)/.installed-dev
NODE_SITE_STAMP := node_modules/.installed-site
NODE_DEV_STAMP := node_modules/.installed-dev
# The essay's registry (hooks/nnla_essay) and the dev tools (tools/) are imported from the checkout, not installed:
# the hooks and pytest put them on the path themselves; the benchmarks get this.
CHECKOUT_PATH := PYTHONPATH=$(CURDIR)/hooks:$(CURDIR)
# Pages record this as their build date (sitemap), so that two builds of one commit are identical.
export NO_MKDOCS_2_WARNING := 1
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
# pytest keeps its rewritten test modules as bytecode; without it every run (and every worker) rewrites them all.
export PYTHONDONTWRITEBYTECODE :=
# The tests run on this many pytest-xdist workers (`make test PYTEST_WORKERS=0` runs them in one process).
PYTEST_WORKERS ?= 2
# The fast tier: everything but what builds or copies more than the session's one build, and the browser.
FAST_TIER := not slow and not browser

.PHONY: setup setup-dev browser validators serve build offline check test lint bench bench-tests clean

setup: $(SITE_STAMP) $(NODE_SITE_STAMP)
setup-dev: $(DEV_STAMP) $(NODE_DEV_STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(SITE_STAMP): requirements-site.txt pyproject.toml proven-numbers/pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-site.txt
	$(BIN)/python -m pip install --quiet --no-deps -e . -e ./proven-numbers
	touch $@

$(DEV_STAMP): requirements-dev.txt $(SITE_STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# KaTeX only (`--omit=dev`); the tests add Lighthouse. A later `npm ci` replaces node_modules whole.
$(NODE_SITE_STAMP): package.json package-lock.json
	@if [ ! $(NODE_DEV_STAMP) -nt package-lock.json ] || [ ! $(NODE_DEV_STAMP) -nt package.json ]; then npm ci --omit=dev --no-audit --no-fund --loglevel=error; fi
	touch $@

$(NODE_DEV_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@ $(NODE_SITE_STAMP)

# Debian's Chromium for the browser tests: Playwright drives its headless shell (it cannot download a browser of its
# own here), Lighthouse the whole browser. Installed when we may (root with apt-get); otherwise the browser tests say
# why they skip.
BROWSER_PACKAGES := chromium chromium-headless-shell
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/lib/chromium/chromium-headless-shell ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	  else \
	    echo "make: Chromium is missing: the browser tests will skip (apt-get install $(BROWSER_PACKAGES))"; \
	  fi; \
	fi

# Debian's Java for the Nu Html Checker (npm's vnu-jar is its jar; tests/test_reader_nu.py runs it on every page).
# Installed when we may (root with apt-get), as Chromium is; otherwise that test says why it skips.
validators:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else \
	    echo "make: java is missing: the Nu Html Checker's test will skip (apt-get install default-jre-headless)"; \
	  fi; \
	fi

# The preview's port: `make serve PORT=8001` when 8000 is taken (hooks/nnla_serve.py says so before building).
PORT ?= 8000
serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

build: setup
	$(BIN)/mkdocs build --strict

# The variant read from disk (file://): pages as files, search without a server (README, "Reading the site from disk").
offline: setup
	NNLA_OFFLINE=true $(BIN)/mkdocs build --strict --site-dir site-offline

lint: setup setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The fast tier, spread by load over the workers (README, "Testing").
check: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "$(FAST_TIER)"

# Every test; a module whose tests share a costly fixture (a venv, a crawl) keeps them on one worker (xdist_group).
test: lint browser validators
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

bench: setup setup-dev
	$(CHECKOUT_PATH) $(BIN)/python -m benchmarks.bench_engine
	$(CHECKOUT_PATH) $(BIN)/python -m benchmarks.bench_build

# The test tiers' wall time against one strict build, measured in the same run (docs/building.md, "Testing").
bench-tests: setup setup-dev browser
	$(CHECKOUT_PATH) $(BIN)/python -m benchmarks.bench_tests

clean:
	rm -rf site .cache test-artifacts
