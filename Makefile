# Two commands do all the set-up on a fresh Debian machine:
#   make run    create .venv, install, add missing Qt system libraries, launch the app
#   make test   same set-up, then the whole test suite offscreen
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# What Qt needs on a bare Debian (see shared DESIGN.md "Facts measured on this machine"); libcairo2 is
# for cairosvg, the tests' second SVG renderer.
QT_LIBS  := libglib2.0-0 libgl1 libegl1 libdbus-1-3 libfontconfig1 libxkbcommon0 fonts-dejavu-core libcairo2
X11_LIBS := libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
            libxcb-render-util0 libxcb-shape0 libxcb-xkb1
XVFB     := xvfb xauth

.PHONY: run test lint fuzz bench mutation setup syslibs syslibs-x11 syslibs-xvfb package test-package screenshots clean

run: syslibs syslibs-x11 $(STAMP)
	$(BIN)/inference-explorer

test: syslibs $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The gates CI runs after the tests: ruff over everything, mypy over the core (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The long fuzz run: >= 10,000 generated files and argument vectors each; prints the counts.
FUZZ_EXAMPLES ?= 10000
fuzz: syslibs $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider \
		--timeout=3600 tests/fuzz

# The README's serving, planner, highway, inspector and dark-theme screenshots, offscreen, into docs/ (look at them).
screenshots: syslibs $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/docs_screenshots.py --out docs

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py

# Mutation testing of core/physics and core/engine with the core tests that use them ([tool.mutmut] in
# pyproject.toml): niced, each package bounded to MUTATION_MINUTES; prints the kill rate (about 50 min).
MUTATION_MINUTES ?= 45
mutation: $(STAMP)
	$(BIN)/python benchmarks/mutation.py --minutes $(MUTATION_MINUTES)

setup: syslibs $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

# Install missing Debian packages when root; otherwise print the exact command.
define apt_install
	@if ! command -v dpkg >/dev/null 2>&1; then \
		echo "note: not a Debian-like system; make sure Qt's system libraries are installed"; \
	else \
		missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
		if [ -n "$$missing" ]; then \
			if [ "$$(id -u)" = 0 ]; then \
				echo "installing:$$missing"; \
				(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) >/dev/null \
				|| { echo "apt-get failed for:$$missing"; exit 1; }; \
			else \
				echo "missing system libraries; run:  sudo apt-get install -y$$missing"; exit 1; \
			fi; \
		fi; \
	fi
endef

syslibs:
	$(call apt_install,$(QT_LIBS))

syslibs-x11:
	$(call apt_install,$(X11_LIBS))

syslibs-xvfb:
	$(call apt_install,$(XVFB))

# The desktop bundle (packaging/README.md). A dedicated venv holds exactly one Qt binding;
# X11 libraries are installed first so the bundle carries them (xcb platform plugin).
PKG_VENV  := .venv-package
PKG_STAMP := $(PKG_VENV)/.installed-stamp

$(PKG_STAMP): pyproject.toml
	test -x $(PKG_VENV)/bin/python || $(PYTHON) -m venv $(PKG_VENV)
	$(PKG_VENV)/bin/python -m pip install -q --upgrade pip
	$(PKG_VENV)/bin/python -m pip install -q ".[package]"
	touch $@

package: syslibs syslibs-x11 $(PKG_STAMP)
	$(PKG_VENV)/bin/python packaging/build.py

# Build, then start the bundle with no display (it must switch to offscreen itself) and under Xvfb.
test-package: package syslibs-xvfb $(STAMP)
	env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM $(BIN)/python -m pytest -m package tests/packaging -v

clean:
	rm -rf build dist .pytest_cache
