# The two commands of README.md: `make run` and `make test`.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
BIN := $(BUILD_DIR)/src/cli/trainyard
JOBS ?= $(shell nproc)
RUN_ARGS ?=

.PHONY: all deps configure build binary run test test-sanitize bench clean format web

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
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) || \
	  { ../../scripts/ctest-failures.sh .; exit 8; }

# The request path under AddressSanitizer + UBSan (build/sanitize, part of
# CI): only these test executables are built and run — the fuzz suite, the
# server over HTTP, and the api, store, jobs and product route tests.
SANITIZE_TESTS ?= api_test store_test jobs_test studio_test gym_api_test \
                  ilp_test ilp_api_test server_test fuzz_test cross_tenant_test
empty :=
space := $(empty) $(empty)
test-sanitize: configure
	@cmake --build --preset release -j $(JOBS) --target trainyard_rl
	@cmake --preset sanitize >/dev/null
	@cmake --build --preset sanitize -j $(JOBS) --target $(SANITIZE_TESTS)
	@cd build/sanitize && \
	  ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) \
	    -L '^($(subst $(space),|,$(strip $(SANITIZE_TESTS))))$$' || \
	  { ../../scripts/ctest-failures.sh .; exit 8; }

bench: deps
	@scripts/install-deps.sh --bench
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# Rebuilds the dashboard's checked-in assets (web/dist) from web/src with the
# npm packages pinned by web/package-lock.json. `make run` does not need it.
web:
	@cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build

clean:
	rm -rf build

format:
	@clang-format -i $$(git ls-files '*.h' '*.cc')
