# Xuncha — see README.md. Every target creates .venv when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
XUNCHA := $(VENV)/bin/xuncha
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres bench lint messages worker clean-var e2e

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.installed-e2e: $(VENV)/.installed-test pyproject.toml
	$(VENV)/bin/pip install --quiet -e ".[e2e]"
	touch $@

## run: migrate, load the demo once, serve http://127.0.0.1:8000 on SQLite
run: $(VENV)/.installed
	@$(PY) -m xuncha.devenv
	XUNCHA_DEBUG=1 $(XUNCHA) migrate --no-input
	XUNCHA_DEBUG=1 $(XUNCHA) createcachetable
	XUNCHA_DEBUG=1 $(XUNCHA) seed-demo --if-empty
	@echo "Demo accounts (role username password):"
	@XUNCHA_DEBUG=1 $(XUNCHA) demo-logins
	@echo "Serving http://$(HOST):$(PORT)/  (background jobs run in the same process tree)"
	XUNCHA_DEBUG=1 $(XUNCHA) serve --host $(HOST) --port $(PORT)

## test: the whole suite on SQLite, and again on PostgreSQL when DATABASE_URL is set
test: $(VENV)/.installed-test
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "DATABASE_URL not set: PostgreSQL run skipped"; fi

test-sqlite: $(VENV)/.installed-test
	env -u DATABASE_URL XUNCHA_TESTING=1 $(PY) manage.py test --parallel 2 --noinput $(TESTS)

test-postgres: $(VENV)/.installed-test
	XUNCHA_TESTING=1 $(PY) manage.py test --parallel 2 --noinput $(if $(KEEPDB),--keepdb) $(TESTS)

## e2e: browser journeys and API fuzzing (needs Debian's chromium)
e2e: $(VENV)/.installed-e2e
	XUNCHA_TESTING=1 XUNCHA_E2E=1 $(PY) manage.py test --noinput $(if $(KEEPDB),--keepdb) xuncha.e2e

## bench: build the provincial data set on PostgreSQL if absent and measure (ONLY=todo,pages: some figures)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/xuncha_bench
bench: $(VENV)/.installed-test
	$(PY) scripts/createdb.py "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" XUNCHA_DEBUG=1 $(XUNCHA) bench $(if $(SCALE),--scale $(SCALE)) $(if $(ONLY),--only $(ONLY))

## lint: ruff, mypy on every app (0 errors; needs no secret key), migrations up to date
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy xuncha
	XUNCHA_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

## messages: refresh the translation catalogue and compile it
messages: $(VENV)/.installed
	cd xuncha && XUNCHA_DEBUG=1 ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore "*/tests/*"
	cd xuncha && XUNCHA_DEBUG=1 ../$(PY) ../manage.py compilemessages

worker: $(VENV)/.installed
	XUNCHA_DEBUG=1 $(XUNCHA) db_worker
