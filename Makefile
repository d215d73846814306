# The README's two commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_REPORTS ?= 400
WILAYAH ?= ../shared/data/wilayah

.PHONY: run test lint format venv venv-dev migrate demo messages static bench bench-desk bench-dashboard loadtest worker beat procs clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

# PEMDA=16.73 runs the demo for another kabupaten/kota (its *_wilayah.csv in
# $(WILAYAH)), in a database of its own so that the two demos never mix.
PEMDA ?=
ifneq ($(strip $(PEMDA)),)
export DATABASE_URL ?= sqlite:///$(CURDIR)/db-$(subst .,-,$(PEMDA)).sqlite3
endif

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	@if [ -n "$(PEMDA)" ]; then \
		csv=$$(grep -l "^[a-z]*,$(PEMDA)," "$(WILAYAH)"/*_wilayah.csv | head -n 1); \
		if [ -z "$$csv" ]; then echo "Tidak ada berkas *_wilayah.csv untuk $(PEMDA) di $(WILAYAH)." >&2; exit 1; fi; \
		geo="$${csv%_wilayah.csv}_desa.geojson"; \
		if [ -f "$$geo" ]; then \
			$(PY) manage.py setup_pemda $(PEMDA) --wilayah "$$csv" --boundaries "$$geo"; \
		else \
			$(PY) manage.py setup_pemda $(PEMDA) --wilayah "$$csv"; \
		fi; \
	elif [ -f "$(WILAYAH)/muratara_desa.geojson" ]; then \
		$(PY) manage.py import_boundaries "$(WILAYAH)/muratara_desa.geojson"; \
		$(PY) manage.py import_boundaries "$(WILAYAH)/muratara_kecamatan_from_desa.geojson"; \
	fi
	$(PY) manage.py seed_demo --reports $(DEMO_REPORTS) --seed 2026 --if-empty
	$(PY) manage.py seed_spm_demo --seed 2026 --if-empty

# Portal with demo data on SQLite, tasks run eagerly.
run: demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv-dev
	$(PY) manage.py makemessages -l id -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py makemessages -d djangojs -l id -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

# The hashed static files (and their manifest) that production pages name.
static: venv
	$(PY) manage.py collectstatic --noinput -v0

# Benchmarks at 1,000,000 reports need PostgreSQL: set DATABASE_URL (an empty
# database is migrated first). They measure production-like pages, so the static
# manifest is built first.
bench: bench-desk bench-dashboard

bench-desk: venv-dev migrate static
	$(PY) manage.py bench_desk --reports $${BENCH_REPORTS:-1000000}

bench-dashboard: venv-dev migrate static
	$(PY) manage.py bench_dashboard --reports $${BENCH_REPORTS:-1000000}

# Load test (README, "Load test"): gunicorn with production settings against DATABASE_URL;
# e.g. LOADTEST_ARGS="--reports 1000000 --concurrency 50".
loadtest: venv
	$(PY) manage.py loadtest $(LOADTEST_ARGS)

worker: venv
	$(VENV)/bin/celery -A kitaaman worker -l info

beat: venv
	$(VENV)/bin/celery -A kitaaman beat -l info

# web (gunicorn), worker and beat from the Procfile; needs DATABASE_URL and CELERY_BROKER_URL.
# Without DEBUG=1 the web process serves the collected (hashed, compressed) static files.
procs: venv-dev
	$(PY) manage.py collectstatic --noinput -v0
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/honcho start

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles test-artifacts
