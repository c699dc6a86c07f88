# The two commands of README.md: `make run` and `make test`.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
BIN := $(BUILD_DIR)/src/cli/trainyard
JOBS ?= $(shell nproc)
RUN_ARGS ?=

.PHONY: all deps configure build binary run test test-sanitize bench clean format

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

# Everything: the binary, the tests and the benchmarks.
build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

# Only what `make run` needs.
binary: configure
	@cmake --build --preset $(PRESET) -j $(JOBS) --target trainyard

run: binary
	@$(BIN) serve $(RUN_ARGS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-sanitize:
	@$(MAKE) test PRESET=sanitize

bench: deps
	@scripts/install-deps.sh --bench
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

clean:
	rm -rf build

format:
	@clang-format -i $$(git ls-files '*.h' '*.cc')
