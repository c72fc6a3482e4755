# The two commands of the README: `make run` and `make test`. Both build everything from nothing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the project needs at run or test time (CJK font for cards and receipts).
SYSTEM_PACKAGES := fonts-noto-cjk poppler-utils
DATA_DIR ?= $(CURDIR)/data/demo

.PHONY: run test bench system-deps clean lint

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	@$(PY) -c 'import venv, ensurepip' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

test: $(STAMP)
	@$(MAKE) --no-print-directory system-deps
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 -q

run: $(STAMP)
	@$(MAKE) --no-print-directory system-deps
	$(BIN)/pos-terminal --data-dir $(DATA_DIR) init --demo --admin-pin 1234
	POS_PIN=1234 $(BIN)/pos-terminal --data-dir $(DATA_DIR) demo

bench: $(STAMP)
	$(BIN)/python bench/bench_core.py

clean:
	rm -rf $(VENV) data build *.egg-info
