# The README's two commands: `make run` and `make test`. Everything else is a helper.
.PHONY: run test check format lint bootstrap build build-dev bench clean

JOBS ?= $(shell nproc)

bootstrap:
	@scripts/bootstrap

# Release build for `make run` and the benchmarks; warnings do not stop a user's build.
build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-dev: bootstrap
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)

run: build
	build/smppd serve --demo-account --config config/smppd.toml

# Every test once under ASan+UBSan, the threaded ones under TSan, a short fuzz run (what CI
# runs; phases timed). FUZZ_SECONDS sets the fuzz time per target.
test:
	@JOBS=$(JOBS) scripts/test

# Formatting and lint (clang-format, clang-tidy); slower than `make test` for lint.
check: format lint

format:
	@scripts/format-check

lint: build-dev
	@scripts/lint

# The benchmarks of docs/benchmarks.md that need no second tool: codec, text, store.
bench: build
	build/bench/codec_bench --benchmark_min_time=0.2
	build/bench/text_bench --benchmark_min_time=0.2
	build/bench/store_bench --benchmark_min_time=0.2
	bench/end_to_end.sh 200000 full

clean:
	rm -rf build build-dev build-tsan build-fuzz
