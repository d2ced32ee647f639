# All set-up happens here: `make test` and `make demo` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: test demo codegen check-generated lint bench realdata soak clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/python examples/demo.py $(if $(LIVE),--live,)

codegen:
	./codegen.sh

check-generated:
	./codegen.sh --check

lint: $(STAMP)
	$(BIN)/ruff check replicate tests
	$(BIN)/mypy replicate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache build dist
