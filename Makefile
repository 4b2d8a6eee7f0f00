# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PY_VERSION ?= 3.12
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run stop test install messages migrate seed worker beat up lint format check-migrations clean

# Find a Python 3.12: pyenv's if present, else python3.12 on PATH.
PYTHON_BIN := $(shell (command -v pyenv >/dev/null && pyenv prefix $(PY_VERSION) 2>/dev/null | sed 's|$$|/bin/python|') || command -v python$(PY_VERSION) || command -v python3)

$(PY):
	$(PYTHON_BIN) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): $(PY) requirements/base.txt requirements/local.txt
	$(PIP) install --quiet -r requirements/local.txt
	touch $(STAMP)

install: $(STAMP) messages

# Compiled translations, rebuilt only when a .po changed (what compilemessages runs: msgfmt
# --check-format); a second `make run` does not pay a Django start for them.
PO_FILES := $(wildcard influencers/locale/*/LC_MESSAGES/*.po influencers/theme_locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

messages: $(MO_FILES)

$(MO_FILES): %.mo: %.po | $(STAMP)
	msgfmt --check-format -o $@ $<

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Embedded default: PostgreSQL from a pip wheel with its data in var/postgres (started on the
# first connection, stopped when runserver ends), tasks in-process, console email.
# Answer links in invitations point at the address served here (SWITCHOVER_PUBLIC_BASE_URL).
ADDR ?= 127.0.0.1:8000
run: seed
	$(PY) manage.py ensure_local_admin
	@echo ""
	@echo "  Influencer Pool Manager is at  http://$(ADDR)/admin/"
	@echo ""
	@SWITCHOVER_PUBLIC_BASE_URL=$${SWITCHOVER_PUBLIC_BASE_URL:-http://$(ADDR)} \
		$(PY) -m config.embedded_postgres.server run -- $(PY) manage.py runserver $(ADDR)

# Stop the embedded PostgreSQL if something left it running (its data stays in var/postgres).
stop:
	@[ ! -x $(PY) ] || $(PY) -m config.embedded_postgres.server stop

# Whole suite. DATABASE_URL / REDIS_URL name the servers (CI: the machine's); when unset, the
# run starts its own PostgreSQL and Redis from pip wheels and deletes them after (tests/own_servers.py).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# Full stack on PostgreSQL + Redis: set DATABASE_URL and REDIS_URL first (see README).
worker: install
	$(VENV)/bin/celery -A config.celery_app worker --loglevel=INFO --concurrency=2

beat: install
	$(VENV)/bin/celery -A config.celery_app beat --loglevel=INFO

up: migrate
	$(VENV)/bin/honcho start

clean: stop
	rm -rf $(VENV) var staticfiles
