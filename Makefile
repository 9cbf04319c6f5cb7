# One entry point for students, instructors and CI. Every target that needs Python
# first makes sure the project's own virtual environment (.venv) is up to date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp-$(shell $(PYTHON) -c "import hashlib,pathlib;print(hashlib.sha256(pathlib.Path('pyproject.toml').read_bytes()).hexdigest()[:16])")
SHARED_DATA := $(abspath ../shared/data)
ifneq ($(wildcard $(SHARED_DATA)/MNIST),)
export LECTUREKIT_DATA ?= $(SHARED_DATA)
endif
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
NB ?=

.PHONY: venv handouts test test-browser execute lint bench figures trust clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,present]'
	rm -f $(VENV)/.stamp-*
	touch $@

# Course page, handouts and reveal.js slides into build/ from the stored outputs
# (NB=notebooks/04-....ipynb builds one). Offline assets are cached in ~/.cache/lecturekit.
handouts: $(STAMP)
	$(BIN)/python -m lecturekit build $(if $(NB),$(NB),)

# The browser checks alone (tests/browser; they rebuild build/ first). `make test` runs
# them too when /usr/bin/chromium exists; .ci/run installs it.
test-browser: $(STAMP)
	$(BIN)/python -m pytest -p no:xdist tests/browser

# Regenerate images/ from the registry in lecturekit/figures.py.
figures: $(STAMP)
	$(BIN)/python -m lecturekit.figures

# Trust the notebooks once after cloning, so JupyterLab and RISE keep the script and
# style of their stored outputs (the in-class questions) before the cells are re-run.
trust: $(STAMP)
	$(BIN)/jupyter trust $(NOTEBOOKS)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests $(NOTEBOOKS) --nbval --nbval-sanitize-with tests/sanitize.cfg --nbval-current-env

execute: $(STAMP)
	$(BIN)/python -m lecturekit execute $(if $(NB),$(NB),$(NOTEBOOKS))

lint: $(STAMP)
	$(BIN)/ruff check lecturekit tests bench notebooks

bench: $(STAMP)
	$(BIN)/python bench/mnist.py

clean:
	rm -rf build
