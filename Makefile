# The README's two commands: `make run` and `make test`. Everything else is a helper.
.PHONY: run test bootstrap build build-dev build-fuzz test-release test-dev fuzz-smoke bench clean

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-dev: bootstrap
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)

build-fuzz: bootstrap
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

run: build
	build/smppd serve --config config/smppd.toml

test-release: build
	ctest --preset release -j $(JOBS)

test-dev: build-dev
	ctest --preset dev -j $(JOBS)

fuzz-smoke: build-fuzz
	scripts/fuzz-smoke $(FUZZ_SECONDS)

# Release tests (unit, interop, fuzz corpus replay), the unit tests again under
# ASan+UBSan, then each libFuzzer target for a short run.
test: test-release test-dev fuzz-smoke

bench: build
	scripts/bench

clean:
	rm -rf build build-dev build-fuzz
