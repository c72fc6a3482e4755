# The two commands of the README: `make run` and `make test`. Both build everything from nothing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the project needs at run or test time (CJK font for cards and receipts; PostgreSQL,
# which the head-office tests start themselves on a private port and data dir).
# What Qt's libraries load (EGL/GL, fontconfig, xkbcommon, D-Bus, the xcb platform plugin's
# libraries), and Xvfb for screenshots of the real app.
QT_PACKAGES := libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 \
	libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
	libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 xvfb
SYSTEM_PACKAGES := fonts-noto-cjk poppler-utils postgresql $(QT_PACKAGES)
DATA_DIR ?= $(CURDIR)/data/demo

.PHONY: run run-app test bench bench-core bench-sync bench-app i18n screenshots system-deps clean lint

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

# The app's translations: .ts -> .qm with pyside6-lrelease; fails on any untranslated string.
i18n: $(STAMP)
	$(BIN)/python -m ui.i18n

test: $(STAMP)
	@$(MAKE) --no-print-directory system-deps
	@$(MAKE) --no-print-directory i18n
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 -q

run: $(STAMP)
	@$(MAKE) --no-print-directory system-deps
	@$(MAKE) --no-print-directory i18n
	$(BIN)/python -m ui.demo_run --data-dir $(DATA_DIR)

run-app: $(STAMP)
	@$(MAKE) --no-print-directory system-deps
	@$(MAKE) --no-print-directory i18n
	$(BIN)/pos-terminal --data-dir $(DATA_DIR) init --demo --admin-pin 1234
	$(BIN)/python -m ui --data-dir $(DATA_DIR)

# Both benchmarks: the core (lookup, checkout) and sync (push into head office, catch-up).
bench: bench-core bench-sync

bench-core: $(STAMP)
	$(BIN)/python bench/bench_core.py

# Push throughput into head office on SQLite and PostgreSQL (a private cluster) vs raw INSERT, and
# a 100,000-event catch-up: `make bench-sync ARGS="--events 5000"` for a quick run.
bench-sync: $(STAMP)
	@$(MAKE) --no-print-directory system-deps
	$(BIN)/python bench/bench_sync.py $(ARGS)

bench-app: $(STAMP)
	@$(MAKE) --no-print-directory i18n
	$(BIN)/python bench/bench_app.py

# Screenshots of the real app under Xvfb into docs/ (sign-in, checkout zh_CN and en, receipt).
screenshots: $(STAMP)
	@$(MAKE) --no-print-directory system-deps
	@$(MAKE) --no-print-directory i18n
	$(BIN)/python -m ui.screenshots --out docs

clean:
	rm -rf $(VENV) data build *.egg-info
