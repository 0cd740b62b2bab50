# lifgpu: the two commands a new user needs are `make run` and `make test`.
GO      ?= go
# The GPU backend needs the EGL headers (libegl-dev); without them the build is CPU-only
# and says so when -backend gpu is asked for.
TAGS    ?= $(if $(wildcard /usr/include/EGL/egl.h),egl,)
BIN     := bin/lifgpu
GOFLAGS_BUILD := -tags '$(TAGS)'

.PHONY: all build run test gpu-selftest fuzz bench bench-c benchcmp lint clean

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/lifgpu

# The built-in default spec: 100,000 neurons with heterogeneous bias, one second of
# model time, outputs in ./lifgpu-out (overwritten).
run: build
	./$(BIN) run -f -o lifgpu-out

# Every test, the GPU ones on Mesa's llvmpipe when there is no GPU. CI sets
# LIFGPU_REQUIRE_GPU=1 so that "no GL context" fails instead of skipping. Then the
# CPU side again with -tags purego (no assembly: the portable Go kernels, drive loops
# and draws, end to end through the conformance suite and the batch runner, whose GPU
# tests resume on them). Last, bench/gpu.sh's selftest.
PUREGO_PKGS := ./cpu/ ./internal/rng/ ./internal/batch/
test:
	$(GO) vet $(GOFLAGS_BUILD) ./...
	$(GO) vet -tags purego ./...
	CGO_ENABLED=0 $(GO) build ./...
	$(GO) test $(GOFLAGS_BUILD) -count=1 -timeout 15m ./...
	$(GO) test -tags 'purego $(TAGS)' -count=1 -timeout 10m $(PUREGO_PKGS)
	@$(MAKE) --no-print-directory fuzz FUZZTIME=10s
	@$(if $(filter egl,$(TAGS)),$(MAKE) --no-print-directory gpu-selftest,echo "gpu-selftest skipped: no EGL headers")

# bench/gpu.sh, the GPU machine's script, run here on llvmpipe with tiny sizes: it must
# refuse the software renderer and give every row of its verdict table (about 30 s).
gpu-selftest:
	GO=$(GO) bash bench/gpu.sh selftest

# The fuzzers of the spec parser and the .npy reader, from their seed corpora in
# testdata/fuzz (a short run in CI; longer by hand: make fuzz FUZZTIME=10m).
FUZZTIME ?= 1m
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/spec
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) ./internal/npy

# Workload W1 (bench/doc.go): the Go benchmarks, then the C reference
# (bench/baseline/cpu_ref.c) beside them on the same machine, and their ratio.
bench: build
	$(GO) test $(GOFLAGS_BUILD) -run '^$$' -bench 'W1' -benchtime 3x -count 1 ./cpu/ | tee /tmp/lifgpu-bench.txt
	@$(MAKE) --no-print-directory bench-c

bench-c:
	@sh bench/cref.sh

# Go benchmarks of two commits through benchstat: make benchcmp OLD=main~1 [NEW=main]
benchcmp:
	sh bench/benchcmp.sh $(OLD) $(NEW)

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(GOFLAGS_BUILD) ./...
	$(GO) tool staticcheck $(GOFLAGS_BUILD) ./...

clean:
	rm -rf bin lifgpu-out
