# misquote: the two Quickstart commands are `make demo` and `make test`.
VENV    ?= .venv
DB      ?= misquote.db
HOST    ?= 127.0.0.1
PORT    ?= 8000
SERVE   ?= 1
SHARED  ?= ../shared
CORPORA  = $(SHARED)/corpora
BUNDLED  = $(SHARED)/seed $(CORPORA)/mia/html $(CORPORA)/mia/markdown $(CORPORA)/mia/epub-html \
           $(CORPORA)/gutenberg/authors $(CORPORA)/gutenberg/marxists
MQ       = $(VENV)/bin/misquote

.PHONY: install system-deps demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[test,postgres,spark]"
	touch $@

install: $(VENV)/.installed

system-deps:
	scripts/install-system-deps

## demo: set up, ingest the bundled archive into SQLite, show what it holds, check the France-Soir words and
## the sample article, find the passages documents share, serve
demo: install
	$(MQ) ingest $(BUNDLED) --db $(DB)
	$(MQ) dispute detect --accept --db $(DB)
	$(MQ) stats --db $(DB)
	$(MQ) check "the spiritual father of Mao Tse-Tung" --author "Natalia Sedova" --db $(DB)
	$(MQ) check-article examples/article-en.txt --db $(DB)
	$(MQ) reuse --db $(DB)
	@if [ "$(SERVE)" = "1" ]; then echo "serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"; \
	  $(MQ) serve --db $(DB) --host $(HOST) --port $(PORT); fi

## test: set up (system packages, venv, a throwaway PostgreSQL) and run the whole suite on both backends
test: system-deps install
	$(VENV)/bin/ruff check src tests bench
	scripts/run-tests $(VENV)

lint: install
	$(VENV)/bin/ruff check src tests bench

bench: install
	$(VENV)/bin/python bench/ingest.py
	$(VENV)/bin/python bench/check.py

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache artifacts
