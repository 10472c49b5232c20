# 职工之家·河北 — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-requirements
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test worker lint format install clean-db

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

## run: the portal with demo data at http://$(HOST):$(PORT) (SQLite unless DATABASE_URL is set)
run: $(STAMP)
	@mkdir -p var
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} LOG_FORMAT=$${LOG_FORMAT:-console} $(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite; tests needing PostgreSQL/Redis skip unless DATABASE_URL/REDIS_URL are set
test: $(STAMP)
	$(VENV)/bin/pytest -n $${TEST_WORKERS:-2} --dist loadgroup

## worker: a Celery worker with an embedded beat (needs REDIS_URL)
worker: $(STAMP)
	@test -n "$$REDIS_URL" || (echo "set REDIS_URL=redis://127.0.0.1:6379/0 first" && exit 1)
	@mkdir -p var
	DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A portal worker --beat --loglevel=INFO --concurrency=2

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean-db:
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm
