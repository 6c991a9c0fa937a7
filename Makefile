# govit — two commands for people: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test lint bench bench-quick loadtest install install-dev browser messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## assets: ECharts and the Noto Sans SC font from the npm registry (package-lock.json), copied where
## the platform serves and typesets them (never a CDN, never downloaded at run time); axe-core, the
## accessibility checker the browser tests inject into each page (tests/browser/test_accessibility.py)
NPM_INSTALLED := node_modules/.package-lock.json
FONT_PACKAGE := node_modules/@expo-google-fonts/noto-sans-sc
REPORT_ASSETS := reports/static/reports/vendor/echarts.min.js \
	reports/fonts/NotoSansSC-Regular.ttf reports/fonts/NotoSansSC-Bold.ttf
TEST_ASSETS := tests/browser/vendor/axe.min.js

$(NPM_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

reports/static/reports/vendor/echarts.min.js: $(NPM_INSTALLED)
	mkdir -p $(@D) && cp node_modules/echarts/dist/echarts.min.js $@

reports/fonts/NotoSansSC-Regular.ttf: $(NPM_INSTALLED)
	mkdir -p $(@D) && cp $(FONT_PACKAGE)/400Regular/NotoSansSC_400Regular.ttf $@

reports/fonts/NotoSansSC-Bold.ttf: $(NPM_INSTALLED)
	mkdir -p $(@D) && cp $(FONT_PACKAGE)/700Bold/NotoSansSC_700Bold.ttf $@

tests/browser/vendor/axe.min.js: $(NPM_INSTALLED)
	mkdir -p $(@D) && cp node_modules/axe-core/axe.min.js $@

assets: $(REPORT_ASSETS) $(TEST_ASSETS)

## run: install, migrate the SQLite database, load demo data, serve http://127.0.0.1:8000
run: export GOVIT_DEBUG = 1
run: install assets
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py serve $(ADDR)

## test: install what the tests need (incl. Debian's Chromium when root) and run the whole suite
test: install-dev browser assets
	$(BIN)/python -m pytest -n 2 --durations=25 $(PYTEST_ARGS)

browser:
	@sh scripts/ensure-browser.sh

lint: export GOVIT_DEBUG = 1
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: export GOVIT_SECRET_KEY ?= bench-only-not-a-secret
bench: install-dev assets
	$(BIN)/pip install -q -c constraints.txt ".[bench]"
	$(BIN)/python -m bench $(BENCH)

## bench-quick: the same benchmarks on a city of 10,000 projects (a few minutes)
bench-quick: export BENCH_SCALE ?= 10000
bench-quick: bench

APPS := accounts catalog core delivery demo documents evidence investment planning policy projects reports supervision

## messages: refresh each app's English catalogue (<app>/locale) and the project's (locale/, for
## templates/), then compile; translate new entries in the .po files (scripts/po_fill.py helps)
## loadtest: a mixed workload of pages and API against a running server (make run first):
##   make loadtest URL=http://127.0.0.1:8000 USERS=30 DURATION=60s
URL ?= http://127.0.0.1:8000
USERS ?= 30
DURATION ?= 60s
loadtest: install-dev
	$(BIN)/pip install -q -c constraints.txt ".[bench]"
	mkdir -p var/bench
	$(BIN)/locust -f bench/locustfile.py --headless -u $(USERS) -r 10 -t $(DURATION) \
		--host $(URL) --csv var/bench/loadtest --only-summary

# The project catalogue ignores '<app>/?*': what is inside each app (its own catalogue has it)
# but not a folder of the same name elsewhere, such as templates/documents (makemessages
# matches a bare name, and 'app/*', against the name of every folder).
messages: install-dev
	for app in $(APPS); do (cd $$app && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete -i "migrations/*") || exit 1; done
	$(BIN)/python manage.py makemessages -l en --no-obsolete $(foreach a,$(APPS) .venv var tests bench scripts,-i '$(a)/?*')
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv
	$(BIN)/python scripts/po_fill.py --missing locale/en/LC_MESSAGES/django.po $(foreach a,$(APPS),$(a)/locale/en/LC_MESSAGES/django.po)

clean:
	rm -rf $(VENV) var .pytest_cache
