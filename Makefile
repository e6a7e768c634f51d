# Two commands: `make run` and `make test`. Both install what they need into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint bench bench-10m loadtest catalog refresh chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/streamlit run server.py

test: $(VENV)/.installed chromium
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# Browser tests need Debian's Chromium; `playwright install` cannot download here.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium', then 'make test' again."; exit 1; \
	  fi; \
	fi

# Rebuild the embedded catalog from its readable source; an unchanged source changes no byte.
catalog: $(VENV)/.installed
	$(BIN)/calendar-data build data/releases.csv -o data/catalog.parquet

# Refresh a scratch catalog (.refresh/catalog.parquet) from the recorded TVmaze fixtures,
# served by a local stand-in; run it twice to see the second refresh ask only what changed.
refresh: $(VENV)/.installed
	$(BIN)/python tests/tvmaze_standin.py --config .refresh/refresh.toml -- \
	  $(BIN)/calendar-data refresh .refresh/catalog.parquet --config .refresh/refresh.toml \
	  --today 2025-03-05

bench: $(VENV)/.installed chromium
	$(BIN)/python benchmarks/run.py

# Issue 23 §2: ten million releases beside one million (about 15 min on 2 cores; 10 GB at peak).
bench-10m: $(VENV)/.installed chromium
	$(BIN)/python benchmarks/ten_million.py

loadtest: $(VENV)/.installed chromium
	$(BIN)/python benchmarks/loadtest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .refresh
