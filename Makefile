# The two commands in the README are the contract: `make run` and `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
PORT    ?= 8000
PYTHON  ?= python3
STAMP   := $(VENV)/.installed

.PHONY: run test bench lint format install serve demo clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=True $(PY) manage.py migrate --noinput -v0
	DEBUG=True $(VENV)/bin/jiceng demo
	@echo "在浏览器打开 http://127.0.0.1:$(PORT)/ （Open http://127.0.0.1:$(PORT)/ in a browser）"
	DEBUG=True $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

test: $(STAMP)
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	@for f in bench/bench_*.py; do $(PY) $$f || exit 1; done

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var
