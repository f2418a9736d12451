# The two commands of README.md: `make run` (set up and start the portal with demo data) and
# `make test` (set up and run the whole suite). Everything else here is what they are made of.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
MEMBERS ?= 600

.PHONY: run test setup venv venv-dev assets fonts migrate seed lint format check-deploy messages bench bench-scale clean

run: setup migrate                     ## set up, load demo data, start web + Celery worker + beat
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --members $(MEMBERS)
	DEBUG=$${DEBUG:-1} $(PY) scripts/devserver.py --port $(PORT)

test: venv-dev assets                  ## set up and run the whole test suite
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

setup: venv assets fonts

fonts:                                 ## the CJK TrueType font the certificates embed (Debian: fonts-wqy-microhei)
	test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei) || echo "install fonts-wqy-microhei (or set CONTESTS_CERTIFICATE_FONT) for the certificates"

venv: $(VENV)/.runtime-installed
$(VENV)/.runtime-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv-dev: venv $(VENV)/.dev-installed
$(VENV)/.dev-installed: requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

assets: node_modules/.installed      ## Bootstrap, Bootstrap Icons, ECharts from the npm registry (no CDN)
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

migrate: venv
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

lint: venv-dev                         ## ruff lint and format check; the arrows between apps (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: venv-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: venv-dev                     ## refresh the zh_Hans catalogue and compile it (needs gettext)
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=node_modules --ignore=.venv --ignore=staticfiles --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules

bench: venv-dev assets fonts           ## the benchmark of bench/ (see README); wrk for the HTTP cases
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(PY) bench/run.py $(BENCH_ARGS)

bench-scale: venv-dev assets fonts     ## the portal at 1,000,000 members (PostgreSQL, own DATABASE_URL; about an hour): docs/benchmark-scale.md
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(PY) bench/scale.py --members $${SCALE_MEMBERS:-1000000} $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles var db.sqlite3
