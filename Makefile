# Thin wrappers over installer/dev.py, which works without make too (see README).
PYTHON ?= python3
DEV := $(PYTHON) installer/dev.py

.PHONY: run test lint bench setup installer check-installer

run:    ## open the app on the bundled demo (ARGS="PATH.tdproj" to open a project)
	$(DEV) run $(ARGS)

test:   ## the whole test suite, headless (ARGS="-k name" for a subset)
	$(DEV) test $(ARGS)

lint:   ## ruff check
	$(DEV) lint $(ARGS)

bench:  ## benchmark scripts in bench/
	$(DEV) bench $(ARGS)

setup:  ## create or refresh .venv only
	$(DEV) setup

installer:  ## build the installable application into dist/ (see installer/build.py)
	$(DEV) build $(ARGS)

check-installer:  ## run the built application's self-test in a clean, offline environment
	$(DEV) check $(ARGS)
