# The two commands: `make demo` and `make test`. Both create .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FNGUARD := $(BIN)/fnguard

.PHONY: demo test lint typecheck unit layer bench clean

$(VENV)/.base: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: $(VENV)/.base pyproject.toml runtime/pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]' -e ./runtime
	touch $@

DEMOS := $(sort $(wildcard examples/insecure examples/insecure-*))

demo: $(VENV)/.base
	@status=0; for demo in $(DEMOS); do \
	  echo "== fnguard scan $$demo =="; \
	  $(FNGUARD) scan $$demo; code=$$?; echo; \
	  echo "fnguard exited $$code (1 = findings at or above --fail-on high, as expected for this deliberately insecure app)"; \
	  echo; [ $$code -le 1 ] || status=$$code; \
	done; exit $$status

lint: $(VENV)/.test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff check --config runtime/pyproject.toml runtime

typecheck: $(VENV)/.test
	$(BIN)/mypy
	cd runtime && ../$(BIN)/mypy

unit: $(VENV)/.test
	$(BIN)/pytest

test: lint typecheck unit

layer: $(VENV)/.base
	$(BIN)/python runtime/build_layer.py --output dist/fnguard-runtime-layer.zip

bench: $(VENV)/.test
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) dist build .bench .pytest_cache .mypy_cache .ruff_cache
