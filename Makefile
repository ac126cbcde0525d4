# `make extract`, `make test` and `make bench` build their own environment in .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: extract test bench bench-scale audit clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

extract: $(STAMP)
	$(BIN)/python -m extract run corpus --out outputs

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the pipeline on PDFs against a bare pdfplumber pass over the same files: time ratio and peak memory;
# then scanned reports through OCR: seconds per page and per report, peak memory per worker
bench: $(STAMP)
	$(BIN)/python scripts/bench_pdf.py
	$(BIN)/python scripts/bench_ocr.py

clean:
	rm -rf $(VENV) outputs .pytest_cache build *.egg-info

bench-scale: $(STAMP)
	$(BIN)/python scripts/bench_scale.py --count 2000

audit: extract
	$(BIN)/python -m extract audit outputs
