# hebb: `make demo` installs, builds and runs the COBA demo; `make test` runs every test.
PY      := /usr/bin/python3
PRESET  ?= release
BUILD   := build/$(PRESET)
HEBB    := $(BUILD)/hebb
export PYTHONPATH := $(CURDIR)/$(BUILD)/python
export MPLBACKEND := Agg
JOBS    ?= $(shell nproc)

.PHONY: deps build test demo bench clean

deps:
	bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake --preset $(PRESET)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build --preset $(PRESET) -j $(JOBS)

test: build
	ctest --preset $(PRESET) -j 1

demo: build
	@mkdir -p demo
	$(HEBB) run examples/coba.toml --out demo/coba.h5
	$(HEBB) info demo/coba.h5 | tee demo/summary.txt
	$(HEBB) plot demo/coba.h5 --raster demo/coba_raster.png
	@echo "demo: wrote demo/coba.h5, demo/summary.txt, demo/coba_raster.png"

bench: build
	bash bench/run.sh

clean:
	rm -rf build demo
