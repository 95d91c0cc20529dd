# visualsys: set up a fresh machine, render, test.
#   make demo   set everything up, then render the default topic to out/
#   make test   set everything up, then run the whole test suite
# Set-up is idempotent: a second run only checks and returns in seconds.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.visualsys-installed
DEMO_TOPIC ?= consistent-hashing
QUALITY ?= hd
# System packages: cairo/pango headers to build manimpango and pycairo, the
# theme's fonts, espeak-ng (the fallback voice), Chromium for the gallery's
# browser test.
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config fonts-inter fonts-jetbrains-mono espeak-ng \
                chromium chromium-driver

.PHONY: setup system-packages demo test test-fast lint clean

setup: system-packages $(STAMP)

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,piper]'
	@touch $@

demo: setup
	$(BIN)/python render.py $(DEMO_TOPIC) --quality $(QUALITY)

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

lint: setup
	$(BIN)/ruff check src tests scenes

clean:
	rm -rf out .cache
