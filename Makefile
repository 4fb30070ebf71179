# «Наставник»: two commands for a newcomer — `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
APT_GET := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo sudo apt-get)

.PHONY: run test setup deps assets messages system-deps browser db demo lint ci clean bench load wrk

## make run — install everything, migrate, load demo data, print logins and start the server
# The server starts in the background; once it answers, the logins are printed as the last lines
# (letters and request logs go to stderr). Ctrl-C stops the server.
run: setup db demo
	@$(PY) manage.py runserver $(HOST):$(PORT) & server=$$!; \
	trap 'kill $$server 2>/dev/null' INT TERM EXIT; \
	for i in $$(seq 1 60); do $(PY) -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
		http://$(HOST):$(PORT)/accounts/login/ 2>/dev/null && break; sleep 1; done; \
	echo ""; \
	echo "Откройте http://$(HOST):$(PORT)/ и войдите под одним из демо-пользователей:"; \
	$(PY) manage.py seed_demo --logins; \
	wait $$server

## make test — install everything (browser included) and run the whole test suite, in parallel
## (pytest-xdist, one process per core; PYTEST_WORKERS=0 runs it in one process)
## Compiled modules are kept (__pycache__, ignored by git) even where the environment asks Python not
## to write them (PYTHONDONTWRITEBYTECODE=1, as on our development machines): otherwise every worker,
## the copy of the repository and each process a test starts compiles the project again, and pytest
## rewrites every test module again (collection 6.7 -> 2.4 s a worker; on a whole .ci/run, noise).
PYTEST_WORKERS ?= auto
test: setup browser
	env -u PYTHONDONTWRITEBYTECODE $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(if $(filter 0,$(PYTEST_WORKERS)),,--dist worksteal) $(PYTEST_ARGS)

setup: system-deps deps assets messages

# Debian packages the project needs at run time: gettext (msgfmt for compilemessages) and LibreOffice
# (headless, no GUI): it reads roadmaps sent as .doc/.rtf/.odt/.xls/.ods, and the tests prove with it
# that the generated .xlsx/.docx reports open cleanly.
system-deps:
	@command -v msgfmt >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq gettext; }
	@command -v soffice >/dev/null || { $(APT_GET) update -qq && \
		$(APT_GET) install -y -qq --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui; }

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "нужен Python 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e ".[dev]"
	touch $@

deps: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

messages: deps
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# Debian's Chromium drives the browser tests (Playwright's own browser download is not used).
browser:
	@test -x /usr/bin/chromium || { $(APT_GET) update -qq && $(APT_GET) install -y -qq chromium; }
	@# Liberation Serif: the metric twin of Times New Roman, for the annual report's charts and layout tests
	@test -f /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf || { $(APT_GET) update -qq && \
		$(APT_GET) install -y -qq --no-install-recommends fonts-liberation; }

db: deps
	mkdir -p var
	$(PY) manage.py migrate --noinput -v 0

demo: db
	$(PY) manage.py seed_demo

## make bench — on the current DATABASE_URL (seeded with seed_scale if empty): pages, import, annual
## report, reminder sweep and a 60-second wrk run; prints a table and writes bench/results.json
bench: deps wrk db
	$(PY) -m bench $(BENCH_ARGS)

## make load — only the load test: wrk, 20 connections, 60 s, gunicorn on 127.0.0.1
load: deps wrk db
	$(PY) -m bench --only load $(BENCH_ARGS)

# wrk (Debian package) drives the load test; it only ever targets 127.0.0.1.
wrk:
	@command -v wrk >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq wrk; }

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules var
