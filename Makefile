# Ventanilla: tareas de desarrollo y CI.
#   make run     crea .venv, instala, migra, carga datos demo y sirve en http://127.0.0.1:8000
#   make test    toda la suite en el modo embebido (SQLite + Celery eager)
#   make lint    ruff check + ruff format --check + migraciones faltantes
#   make ci      lo que corre CI (.ci/run): lint, test, PostgreSQL/Redis/worker y Chromium
# Ver README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOTSTRAP ?= python3.11
VENV      ?= .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.ventanilla-instalado
HOST      ?= 127.0.0.1
PORT      ?= 8000
# The public base URL printed in PDFs, QR codes and e-mails: the address `make run` serves.
export SITE_URL ?= http://$(HOST):$(PORT)
# Los servicios reales (browser, postgres, celery_worker) corren en .ci/run.
PYTEST_EMBEBIDO := -m "not browser and not postgres and not celery_worker"

# Credenciales de prueba del SAT: ../shared/fiel (en un clon en /tmp, /tmp/shared/fiel).
ifneq ($(wildcard ../shared/fiel),)
export FIEL_PRUEBAS_DIR ?= $(realpath ../shared/fiel)
endif
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv install run test lint format bench carga browser ci worker beat clean

help:
	@echo "make run      - entorno, migraciones, datos demo y servidor en http://$(HOST):$(PORT)"
	@echo "make test     - suite completa en modo embebido (SQLite, Celery eager)"
	@echo "make lint     - ruff check, ruff format --check, makemigrations --check"
	@echo "make format   - ruff format + ruff check --fix"
	@echo "make bench    - benchmarks (pytest-benchmark)"
	@echo "make carga    - benchmark del día de vencimiento (gunicorn, PostgreSQL, Redis, worker)"
	@echo "make browser  - recorridos en Chromium (pytest -m browser)"
	@echo "make ci       - lo mismo que CI (.ci/run): requiere PostgreSQL, Redis y Chromium"
	@echo "make worker   - worker de Celery (requiere REDIS_URL)"
	@echo "make beat     - Celery beat con DatabaseScheduler (requiere REDIS_URL)"
	@echo "make clean    - borra cachés, artefactos y archivos generados (no la .venv)"

# --- entorno ---------------------------------------------------------------------------
$(PY):
	$(PYTHON_BOOTSTRAP) -m venv $(VENV)

# Reinstala sólo cuando cambia pyproject.toml (o la .venv es nueva).
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv install: $(STAMP)

# --- servidor local --------------------------------------------------------------------
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py cargar_demo
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: $(STAMP)
	@test -n "$$REDIS_URL$$CELERY_BROKER_URL" || { echo "Define REDIS_URL (p. ej. redis://127.0.0.1:6379/0)"; exit 1; }
	nice -n 10 $(VENV)/bin/celery -A vucem worker -l info

beat: $(STAMP)
	@test -n "$$REDIS_URL$$CELERY_BROKER_URL" || { echo "Define REDIS_URL (p. ej. redis://127.0.0.1:6379/0)"; exit 1; }
	$(VENV)/bin/celery -A vucem beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

# --- calidad ---------------------------------------------------------------------------
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_EMBEBIDO) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --output-format concise . || { echo "-> ejecute: make format"; exit 1; }
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) -m pytest tests/benchmarks -m bench --benchmark-enable --benchmark-only --benchmark-columns=min,mean,median,max,rounds $(PYTEST_ARGS)

# Deadline-day load benchmark (bench/carga.py): needs PostgreSQL and Redis on 127.0.0.1; it starts
# gunicorn and a Celery worker itself, stops them at the end and writes bench/resultados/.
carga: $(STAMP)
	$(PY) -m bench.carga $(CARGA_ARGS)

browser: $(STAMP)
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

ci:
	bash .ci/run

clean:
	rm -rf test-artifacts .benchmarks .pytest_cache .ruff_cache var/static
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
