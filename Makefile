# Kawal: `make demo` serves the Banyuwangi operation and replays its night; `make test` runs the
# whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: demo test bench lint messages system-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Debian packages: chromium for the browser tests, pango for WeasyPrint's PDFs.
system-packages:
	@scripts/system-packages.sh

# Starts fresh and replays the Banyuwangi night live (docs/simulate.md); `kawal demo` alone is quiet.
demo: $(STAMP) system-packages
	$(BIN)/kawal demo --simulate

test: $(STAMP) system-packages
	scripts/test.sh

# Every figure on the default SQLite; ingest and verify again on PostgreSQL where it runs (the
# national overview figures always need it). KAWAL_BENCH_SIZE=0.25 runs the ingest and verify
# workloads on a quarter of the demo's boxes, for a quick look.
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/kawal_bench
bench: $(STAMP) system-packages
	$(BIN)/python -m benchmarks
	KAWAL_DATABASE_URL=$(BENCH_POSTGRES_URL) $(BIN)/python -m benchmarks ingest verify

lint: $(STAMP)
	$(BIN)/ruff check kawal tests benchmarks
	$(BIN)/mypy kawal

# Needs gettext's msgfmt; the compiled .mo files are committed so nothing else does.
# The project catalogue (kawal/locale) covers the templates and foundation apps; custody,
# planning and incidents keep their own.
APP_CATALOGUES := custody planning incidents field
messages: $(STAMP)
	cd kawal && ../$(BIN)/kawal makemessages -l id --no-obsolete -i "demo/data/*" $(foreach app,$(APP_CATALOGUES),-i "$(app)/*")
	for app in $(APP_CATALOGUES); do (cd kawal/$$app && ../../$(BIN)/kawal makemessages -l id --no-obsolete); done
	$(BIN)/kawal compilemessages -l id
