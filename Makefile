# All set-up happens here: `make test` and `make demo` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: test demo codegen codegen-venv check-generated lint bench realdata soak clean v1-venv \
	compat compat-venvs docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# replicate 1.0.7 in its own venv: the reference that side-by-side tests compare us with.
V1_VENV := .venvs/v1
$(V1_VENV)/.installed-stamp: tests/compat/v1-requirements.txt
	test -x $(V1_VENV)/bin/python || $(PYTHON) -m venv $(V1_VENV)
	$(V1_VENV)/bin/python -m pip install -q -r tests/compat/v1-requirements.txt
	touch $@

v1-venv: $(V1_VENV)/.installed-stamp

# Side by side with 1.0.7 (tests/compat): the real dependents pinned in
# tests/compat/requirements.txt, one venv per side: with replicate 1.0.7, and with this package.
COMPAT_REQS := tests/compat/requirements.txt
COMPAT_V1   := .venvs/compat-v1
COMPAT_OURS := .venvs/compat-ours
V1_SUITE      := .venvs/v1-suite
V1_SUITE_REQS := tests/compat/v1-suite-requirements.txt
$(COMPAT_V1)/.installed-stamp: $(COMPAT_REQS) $(V1_SUITE_REQS)
	test -x $(COMPAT_V1)/bin/python || $(PYTHON) -m venv $(COMPAT_V1)
	$(COMPAT_V1)/bin/python -m pip install -q 'replicate==1.0.7' -r $(COMPAT_REQS) -r $(V1_SUITE_REQS)
	touch $@
$(COMPAT_OURS)/.installed-stamp: $(COMPAT_REQS) $(V1_SUITE_REQS) pyproject.toml
	test -x $(COMPAT_OURS)/bin/python || $(PYTHON) -m venv $(COMPAT_OURS)
	$(COMPAT_OURS)/bin/python -m pip install -q -r $(COMPAT_REQS) -r $(V1_SUITE_REQS) -e .
	touch $@

# 1.0.7's own test suite, unpacked from its sdist (tests/compat/test_v1_suite.py runs it).
$(V1_SUITE)/.unpacked-stamp: $(STAMP)
	rm -rf $(V1_SUITE) && mkdir -p $(V1_SUITE)
	$(BIN)/python -m pip download -q --no-deps --no-binary :all: 'replicate==1.0.7' -d $(V1_SUITE)
	tar xzf $(V1_SUITE)/replicate-1.0.7.tar.gz -C $(V1_SUITE) replicate-1.0.7/tests
	touch $@

compat-venvs: $(COMPAT_V1)/.installed-stamp $(COMPAT_OURS)/.installed-stamp $(V1_SUITE)/.unpacked-stamp

compat: $(STAMP)
	$(MAKE) -j2 compat-venvs
	COMPAT_REQUIRED=1 $(BIN)/python -m pytest -q tests/compat

test: $(STAMP) codegen-venv v1-venv
	$(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/python examples/demo.py $(if $(LIVE),--live,)

codegen:
	./codegen.sh

check-generated:
	./codegen.sh --check

# Codegen-only tools (pinned in codegen/requirements.txt); some tests run codegen.sh with them.
codegen-venv:
	./codegen.sh --setup

# Every public model object Replicate publishes (npm package, fetched at run time) must parse,
# and generate a typed module that imports and passes mypy --strict (codegen/typed_realdata.py).
realdata: $(STAMP)
	$(BIN)/python codegen/realdata.py
	$(BIN)/python codegen/typed_realdata.py

# The documentation site (mkdocs.yml), built strict into site/: broken links or API references fail.
# Its tools are pinned in docs/requirements.txt and live in their own venv (the API reference is
# read from the source by griffe, so the package itself is not installed there).
DOCS_VENV := .venvs/docs
$(DOCS_VENV)/.installed-stamp: docs/requirements.txt
	test -x $(DOCS_VENV)/bin/python || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install -q -r docs/requirements.txt
	touch $@

# No -q: mkdocs 1.6 does not count the warnings it hides, so a quiet strict build passes anyway.
docs: $(DOCS_VENV)/.installed-stamp
	NO_MKDOCS_2_WARNING=1 $(DOCS_VENV)/bin/mkdocs build --strict --clean --site-dir site

lint: $(STAMP)
	$(BIN)/ruff check replicate tests docs
	$(BIN)/mypy replicate

# Benchmarks (bench/run.py): ours vs replicate 1.0.7 (own venv, with matplotlib for the chart) vs raw httpx.
BENCH_V1 := bench/.venvs/v1
$(BENCH_V1)/.installed-stamp:
	test -x $(BENCH_V1)/bin/python || $(PYTHON) -m venv $(BENCH_V1)
	$(BENCH_V1)/bin/python -m pip install -q 'replicate==1.0.7' matplotlib
	touch $@

bench: $(STAMP) $(BENCH_V1)/.installed-stamp
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Reliability soak, not part of `make test`: 10 minutes of predictions under 5% random faults
# and periodic server restarts; every prediction must be accounted for exactly once.
# Shorter: make soak SOAK_ARGS="--duration 120"
soak: $(STAMP)
	$(BIN)/python tests/reliability/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .venvs .pytest_cache .mypy_cache build dist site
