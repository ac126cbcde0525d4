# `make extract`, `make test` and `make bench` build their own environment in .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: extract test test-all tools serve bench bench-scale audit clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

extract: $(STAMP)
	$(BIN)/python -m extract run corpus --out outputs

# tests in TEST_JOBS processes (pytest-xdist), a test file to a process (module fixtures built once)
TEST_JOBS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist loadfile

# the same tests with many more generated cases for the property tests (slower; not run by CI)
test-all: $(STAMP)
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist loadfile

# browse outputs/ in Datasette on http://127.0.0.1:8001 (run `make extract` first)
serve: $(STAMP)
	$(BIN)/python -m extract serve outputs

# what a user waits for, against a bare pdfplumber pass over the same PDFs (whole process cold and warm,
# warm per-file costs per format, a small text report, memory), then scanned reports through OCR; each
# prints its goals with PASS or MISS and exits 0 (BENCH_FLAGS=--check: exit 1 on a miss)
bench: $(STAMP)
	$(BIN)/python scripts/bench_pdf.py $(BENCH_FLAGS)
	$(BIN)/python scripts/bench_ocr.py $(BENCH_FLAGS)

# system tools the tests use (Debian/Ubuntu, as root): Chromium, LibreOffice Writer, CJK fonts, and the
# converters whose output the tests read (pdftotext from poppler-utils, pandoc)
APT_TOOLS := chromium libreoffice-writer-nogui fonts-noto-cjk poppler-utils pandoc
tools:
	@if command -v chromium >/dev/null && command -v soffice >/dev/null && fc-list 2>/dev/null | grep -qi "noto.*cjk" \
	    && command -v pdftotext >/dev/null && command -v pandoc >/dev/null; then \
	  echo "tools present: chromium, soffice, Noto CJK fonts, pdftotext, pandoc"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_TOOLS); \
	else \
	  echo "missing tools; install as root: apt-get install $(APT_TOOLS)" >&2; exit 1; \
	fi

clean:
	rm -rf $(VENV) outputs .pytest_cache build *.egg-info

# corpora shaped like real ones (built once under build/; the 20,000 takes ~45 min with LibreOffice), on 1 and 2
# workers (20,000 on 2 only), then unchanged, then on a dask LocalCluster of 2 workers: speed-up, the parent's
# and the dask driver's memory from 2,000 to 20,000, the serial end, dask's outputs against the local run's
bench-scale: $(STAMP)
	$(BIN)/python scripts/bench_scale.py --count 2000 20000 --single --cluster $(BENCH_FLAGS)

audit: extract
	$(BIN)/python -m extract audit outputs
