# ampshm: the README's two commands are `make demo` and `make check`.
# Everything else here is a convenience around CMake.

JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
BUILD   ?= build
CMAKE   ?= cmake
CTEST   ?= ctest
FUZZ_SECONDS ?= 20

CFG_MAIN = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMP_WERROR=ON
CFG_ASAN = -DCMAKE_BUILD_TYPE=Debug -DAMP_WERROR=ON -DAMP_SANITIZE=ON -DAMP_BENCH=OFF
CFG_FUZZ = -DCMAKE_BUILD_TYPE=Debug -DAMP_FUZZ=ON -DAMP_TESTS=OFF -DAMP_BENCH=OFF \
	   -DAMP_FUZZ_SECONDS=$(FUZZ_SECONDS) \
	   -DCMAKE_C_COMPILER=clang \
	   "-DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"

PREFIX  ?= /usr/local

.PHONY: all bootstrap build demo check test test-asan test-fuzz bench docs \
	format clean install size bench-vm

all: build

bootstrap:
	@./scripts/bootstrap

build: bootstrap
	$(CMAKE) -S . -B $(BUILD) $(CFG_MAIN)
	$(CMAKE) --build $(BUILD) -j $(JOBS)

## The main job: the demo on the built-in simulated coprocessor.
demo: build
	./$(BUILD)/tools/ampshm demo

## The tests: warnings as errors, then again under ASan+UBSan, then the
## fuzzers for a short while.
check: test test-asan test-fuzz
	@echo "make check: all test stages passed"

test: build
	cd $(BUILD) && $(CTEST) --output-on-failure -j $(JOBS)

test-asan: bootstrap
	$(CMAKE) -S . -B $(BUILD)-asan $(CFG_ASAN)
	$(CMAKE) --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1:allow_user_segv_handler=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(CTEST) --output-on-failure -j $(JOBS) -LE nosan

test-fuzz: bootstrap
	$(CMAKE) -S . -B $(BUILD)-fuzz $(CFG_FUZZ)
	$(CMAKE) --build $(BUILD)-fuzz -j $(JOBS)
	cd $(BUILD)-fuzz && $(CTEST) --output-on-failure -L fuzz

## Benchmarks: a summary of each, all the JSON in $(BUILD)/bench.json.
## More through BENCH_ARGS, e.g. BENCH_ARGS="--quick --plot build/plots".
BENCH_ARGS ?=
bench: build
	./$(BUILD)/tools/ampshm bench --json $(BUILD)/bench.json $(BENCH_ARGS)

## The kernel backends' costs per size, measured inside the test VM
## (emulator figures): a summary table, the JSON in $(BUILD)/bench-vm.json.
bench-vm: build
	./scripts/vm/bench-vm $(BUILD)

## Install under $(PREFIX) (and $(DESTDIR), if set): libraries, headers,
## tools, pkg-config file and CMake package.
install: build
	$(CMAKE) --install $(BUILD) --prefix $(PREFIX)

docs: build
	$(CMAKE) --build $(BUILD) --target docs

format:
	find include src tests bench fuzz tools firmware -name '*.[ch]' \
		| xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz

## Footprint of the coprocessor side on a Cortex-M4 (thumbv7em, -Os): a
## table per component, the minimal RPMsg remote as linked, and
## $(BUILD)/size.json; checked against scripts/size-budget.json.
size:
	./scripts/size-report --out $(BUILD)/size --json $(BUILD)/size.json \
		--budget scripts/size-budget.json
