# Strata: `make run` and `make test` work on a fresh Debian 12 machine (as root): each installs
# what is missing (scripts/setup.sh), configures, builds and then runs.
BUILD_DIR ?= build
JOBS ?= 2
ARGS ?=
# CI and `make test` run every test; `make test-fast` leaves out those labelled slow.
CTEST_ARGS ?=

.PHONY: setup configure build run test test-fast test-sanitizers fuzz-smoke bench compare clean

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	@$(MAKE) --no-print-directory setup
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: $(BUILD_DIR)/build.ninja

build: setup configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/strata $(ARGS)

test: build
	@bash scripts/run_tests.sh $(BUILD_DIR) $(JOBS) $(CTEST_ARGS)

test-fast: build
	@bash scripts/run_tests.sh $(BUILD_DIR) $(JOBS) -LE slow $(CTEST_ARGS)

# Unit tests under ASan+UBSan and under TSan, and clang's thread-safety analysis as errors; every
# fuzzer on its seed corpus, then briefly (docs/reliability.md). CI runs both after `make test`.
test-sanitizers: setup
	@bash scripts/run_sanitizers.sh all $(BUILD_DIR)-sanitizers $(JOBS)

fuzz-smoke: setup
	@FUZZ_RUNS=$(FUZZ_RUNS) bash scripts/run_fuzzers.sh $(BUILD_DIR)-fuzz $(FUZZ_SECONDS)

FUZZ_SECONDS ?= 15
FUZZ_RUNS ?= 0

bench: setup configure
	@bash scripts/setup.sh --bench
	cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	@bash scripts/run_benchmarks.sh $(BUILD_DIR)

# Strata vs Prometheus vs VictoriaMetrics, side by side (bench/compare; SCENARIOS="A C" or all).
compare: setup configure
	@bash scripts/setup.sh --bench
	cmake --build $(BUILD_DIR) -j $(JOBS) --target strata benchmarks
	BUILD_DIR=$(BUILD_DIR) bench/compare $(or $(SCENARIOS),all)

clean:
	rm -rf $(BUILD_DIR)
