# The two commands in the README are the contract: `make run` and `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
PORT    ?= 8000
PYTHON  ?= python3
STAMP   := $(VENV)/.installed
JICENG  := $(VENV)/bin/jiceng

.PHONY: run test bench bench-scale load lint format install serve demo clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Served the way production serves: DEBUG off, secrets from var/secrets.json (made once),
# collected static files behind WhiteNoise, gunicorn with the task-queue worker beside it.
# Plain HTTP on this machine only, so cookies are not marked Secure here.
run: $(STAMP)
	@$(PY) -m jiceng.keys >/dev/null
	$(JICENG) migrate --noinput -v0
	$(JICENG) check
	$(JICENG) demo
	$(JICENG) collectstatic --noinput -v0
	@echo "在浏览器打开 http://127.0.0.1:$(PORT)/ （Open http://127.0.0.1:$(PORT)/ in a browser）"
	SECURE_COOKIES=False $(JICENG) serve --port $(PORT)

test: $(STAMP)
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	@for f in bench/bench_*.py; do $(PY) $$f || exit 1; done

# Not part of `make test` or CI: Locust against gunicorn on a PostgreSQL cluster of its own
# (started in a temp dir on a free port), at 10, 50 and 100 users, then the fault run; JSON lines.
LOAD_STAMP := $(VENV)/.installed-load
$(LOAD_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install -q -e '.[dev,load]'
	@touch $(LOAD_STAMP)

load: $(LOAD_STAMP)
	$(PY) bench/load_run.py $(LOAD_ARGS)

# Not part of `make test` or CI: generates a district at scale into databases of its own
# (PostgreSQL jiceng_scale at SCALE_RESIDENTS/SCALE_TRANSFERS, default 1M/20M; SQLite var/scale.sqlite3
# at SCALE_SQLITE_RESIDENTS/SCALE_SQLITE_TRANSFERS, default 100k/2M) and runs bench/scale_*.py on each.
bench-scale: $(STAMP)
	@$(PY) -m jiceng.keys >/dev/null
	$(PY) bench/_scale.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var
