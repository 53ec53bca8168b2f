# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Records indexed by `make demo`; DEMO_LIMIT=0 indexes the full corpus (about 10 minutes on 2 cores).
DEMO_LIMIT ?= 2000
DEMO_QUERY ?= What are the symptoms of glaucoma?

.PHONY: demo test install lint typecheck unit bench quality clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/assistant ingest data/medquad.jsonl.gz --limit $(DEMO_LIMIT)
	$(BIN)/assistant ingest data/site_page_example.txt --format pages
	$(BIN)/assistant stats
	$(BIN)/assistant search "$(DEMO_QUERY)"
	$(BIN)/assistant search --interactive

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check assistant tests bench
	$(BIN)/ruff format --check assistant tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

quality: $(STAMP)
	$(BIN)/assistant eval retrieval

bench: $(STAMP)
	$(BIN)/python -m bench.bench_embeddings
	$(BIN)/python -m bench.bench_ingest
	$(BIN)/python -m bench.bench_query

clean:
	rm -rf $(VENV) .assistant .pytest_cache .mypy_cache .ruff_cache
