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
NBVAL := --nbval --nbval-sanitize-with tests/sanitize.cfg --nbval-current-env
# Another numeric platform on the same machine: one thread and AVX2 kernels instead of
# AVX-512, which changes the order of float sums (as another CPU, a laptop or a GPU does).
PORTABLE_ENV := OMP_NUM_THREADS=1 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2
# Tests run two pytest workers, notebook kernels and a browser on few cores: idle OpenMP
# threads sleep instead of spinning, so torch is not slowed tenfold by waiting for a thread
# that lost its core. It changes no result.
TEST_ENV := OMP_WAIT_POLICY=PASSIVE

.PHONY: venv handouts test test-portable test-browser execute lint bench figures trust clean

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

# Regenerate images/ from the registry in lecturekit/toolchain/figures.py.
figures: $(STAMP)
	$(BIN)/python -m lecturekit.toolchain.figures

# Trust the notebooks once after cloning, so JupyterLab and RISE keep the script and
# style of their stored outputs (the in-class questions) before the cells are re-run.
trust: $(STAMP)
	$(BIN)/jupyter trust $(NOTEBOOKS)

# Each file (a notebook, a file of checks) runs whole on one of two workers, handed
# out in the order given: the longest first (pytest drops the paths named twice), so that
# neither worker is left with a long file at the end.
LONGEST_NOTEBOOKS := $(wildcard notebooks/06-*.ipynb notebooks/07-*.ipynb notebooks/03-*.ipynb \
                                notebooks/02-*.ipynb)
XDIST := -n 2 --dist loadfile --no-loadscope-reorder
# Named file by file: a folder argument would pull the files back into folder order.
UNIT_TESTS := $(sort $(wildcard tests/test_*.py))
BROWSER_TESTS := tests/browser/test_pages.py tests/browser/test_rise_a.py tests/browser/test_rise_b.py \
                 tests/browser/test_decks.py tests/browser/test_a11y.py tests/browser/test_pdf.py
# Builds the student edition and runs the exercises of each of its notebooks.
STUDENT_TESTS := tests/test_student_edition.py

# Does every notebook still run and show what its slides claim: the unit tests, the student
# edition, and every notebook under strict nbval (about 90 s on 2 cores).
test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest $(XDIST) $(LONGEST_NOTEBOOKS) $(STUDENT_TESTS) $(UNIT_TESTS) \
		$(NOTEBOOKS) $(NBVAL)

# Do the built pages work: course page, handouts, decks, PDFs and RISE slideshows in headless
# Chromium (/usr/bin/chromium; skipped without it), every slide measured against the canvas,
# axe-core's accessibility rules. They build build/ first. Several minutes: .ci/run runs them
# after `make test`.
test-browser: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest $(XDIST) $(BROWSER_TESTS)

# Every notebook again under strict nbval on another numeric platform ($(PORTABLE_ENV)):
# a printed number that depends on the CPU fails here before it fails on someone's laptop.
test-portable: $(STAMP)
	$(TEST_ENV) $(PORTABLE_ENV) $(BIN)/python -m pytest $(XDIST) $(LONGEST_NOTEBOOKS) $(NOTEBOOKS) $(NBVAL)

execute: $(STAMP)
	$(BIN)/python -m lecturekit execute $(if $(NB),$(NB),$(NOTEBOOKS))

lint: $(STAMP)
	$(BIN)/ruff check lecturekit tests bench notebooks

bench: $(STAMP)
	$(BIN)/python bench/mnist.py

clean:
	rm -rf build
