# Community Voice. `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in emails and on QR posters point at the port the app really runs on.
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test test-fast lint format worker beat bench drills bench-smoke figures migrate seed install install-dev clean messages compilemessages

# Bytecode caches let each test worker skip recompiling and re-rewriting assertions in
# every module, which costs seconds per worker where the environment turns them off.
unexport PYTHONDONTWRITEBYTECODE

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	SITE_URL="$(SITE_URL)" $(BIN)/python manage.py seed_demo

## Run the app on http://127.0.0.1:$(PORT)/ with demo data (SQLite, no services needed).
run: seed
	@echo ""
	@echo "Community Voice is starting at http://127.0.0.1:$(PORT)/"
	@echo "Sign in at http://127.0.0.1:$(PORT)/accounts/login/ with a demo login above."
	@echo "Press Ctrl+C to stop."
	SITE_URL="$(SITE_URL)" $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The inner loop: migrations check, then every test but the browser journeys and the
## tests of real services, in parallel, one worker per core. Workers take tests in
## pytest-django's order, which keeps the tests that empty the database until last.
test-fast: install-dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto -m "not e2e and not services"

## Run the whole test suite: the fast tests in parallel, then browser journeys and real
## services (PostgreSQL, Redis, Celery, SMTP, nginx) one at a time, since they start
## servers and share Redis. On a laptop without a service its tests are skipped; in
## CI they fail.
test: test-fast
	$(BIN)/pytest -m "e2e or services"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## A Celery worker against REDIS_URL. The scheduler runs as its own process: make beat.
## Like the deployed service, it is started again if it stops with an error (kombu can
## give up when Redis goes away); Ctrl+C stops it for good.
worker: install
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker"; exit 1)
	@trap 'exit 0' INT TERM; until $(BIN)/celery -A engagement worker --loglevel=INFO; do \
		echo "The worker stopped with an error; starting it again in 2 seconds."; sleep 2; \
	done

## The scheduler (Celery beat) on its own, against REDIS_URL. Run exactly one. Its
## schedule file is celerybeat-schedule under VAR_DIR.
beat: install
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make beat"; exit 1)
	@mkdir -p "$${VAR_DIR:-var}"
	$(BIN)/celery -A engagement beat --loglevel=INFO

## Speed, size and memory promises against the production setup (gunicorn, DEBUG=false,
## the PostgreSQL and Redis in DATABASE_URL and REDIS_URL), as one pass/fail table; exits
## non-zero when a target is missed. Each run makes and drops a database of its own.
bench: install-dev
	$(BIN)/python bench/suite.py

## Failures rehearsed on 127.0.0.1 (a killed worker, Redis and PostgreSQL going away,
## hostile input, lockout behind the proxy), each with its own processes; pass/fail table.
drills: install-dev
	$(BIN)/python bench/drills/run.py

## Both, a moment per figure and small, so that they keep working (CI runs this).
bench-smoke: install-dev
	$(BIN)/python bench/suite.py --smoke
	$(BIN)/python bench/drills/run.py --smoke

## In-process figures with no services needed: page timings on SQLite, the survey
## import, and the precision and recall of redaction and flagging on the labelled sets.
figures: install-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/survey_import.py
	$(BIN)/python bench/quality.py

## Translations of the public pages: `make messages` brings every language's catalogue
## in locale/ up to date with the public templates (new strings arrive empty, changed ones
## fuzzy) and compiles it; `make compilemessages` only compiles, after a translator's edit.
messages: install-dev
	$(BIN)/python manage.py update_translations
	$(BIN)/python manage.py update_translations --check || true

compilemessages: install-dev
	$(BIN)/python manage.py update_translations --compile-only

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
