# lifgpu: the two commands a new user needs are `make run` and `make test`.
GO      ?= go
TAGS    ?= egl
BIN     := bin/lifgpu
GOFLAGS_BUILD := -tags '$(TAGS)'

.PHONY: all build run test test-short bench bench-c lint clean benchstat

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/lifgpu

# The built-in default spec: 100,000 neurons with heterogeneous bias, one second of
# model time, outputs in ./lifgpu-out (overwritten).
run: build
	./$(BIN) run -f -o lifgpu-out

# Every test, the GPU ones on Mesa's llvmpipe when there is no GPU. CI sets
# LIFGPU_REQUIRE_GPU=1 so that "no GL context" fails instead of skipping.
test:
	$(GO) vet $(GOFLAGS_BUILD) ./...
	CGO_ENABLED=0 $(GO) build ./...
	$(GO) test $(GOFLAGS_BUILD) -count=1 -timeout 15m ./...

# Workload W1 (../shared/bench/README.md): the Go benchmarks, then the C reference
# beside them on the same machine, and their ratio.
bench: build
	$(GO) test $(GOFLAGS_BUILD) -run '^$$' -bench 'W1' -benchtime 3x -count 1 ./cpu/ | tee /tmp/lifgpu-bench.txt
	@$(MAKE) --no-print-directory bench-c

bench-c:
	@sh bench/cref.sh

lint:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet $(GOFLAGS_BUILD) ./...

clean:
	rm -rf bin lifgpu-out
