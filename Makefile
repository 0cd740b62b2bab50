# lifgpu: the two commands a new user needs are `make run` and `make test`.
GO      ?= go
# The GPU backend needs the EGL headers (libegl-dev); without them the build is CPU-only
# and says so when -backend gpu is asked for.
TAGS    ?= $(if $(wildcard /usr/include/EGL/egl.h),egl,)
BIN     := bin/lifgpu
GOFLAGS_BUILD := -tags '$(TAGS)'
# The viewer (lifgpu view, internal/view) adds the tag glfw: GLFW's C sources compile
# with the X11 development headers (Debian: libx11-dev libxrandr-dev libxinerama-dev
# libxcursor-dev libxi-dev libxxf86vm-dev) and link libGL (libgl-dev). `make build` stays
# headless (no X11); `make view` builds bin/lifgpu with the window.
VIEW_HEADERS := /usr/include/X11/Xlib.h /usr/include/X11/extensions/Xrandr.h \
	/usr/include/X11/extensions/Xinerama.h /usr/include/X11/Xcursor/Xcursor.h \
	/usr/include/X11/extensions/XInput2.h /usr/include/X11/extensions/xf86vmode.h /usr/include/GL/gl.h
VIEWTAGS ?= $(if $(filter egl,$(TAGS)),$(if $(filter-out $(wildcard $(VIEW_HEADERS)),$(VIEW_HEADERS)),,glfw),)
VIEW_MISSING := the viewer needs the EGL headers and the X11 and GL development headers (Debian: libegl-dev libx11-dev libxrandr-dev libxinerama-dev libxcursor-dev libxi-dev libxxf86vm-dev libgl-dev; .ci/run installs them)

.PHONY: all build view run test test-view test-slurm gpu-selftest fuzz bench bench-c benchcmp lint clean

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/lifgpu

# bin/lifgpu with `lifgpu view` (links X11 and GLX besides EGL).
view:
	@$(if $(VIEWTAGS),,echo "make view: $(VIEW_MISSING)"; exit 1)
	$(GO) build -tags '$(TAGS) $(VIEWTAGS)' -o $(BIN) ./cmd/lifgpu

# The built-in default spec: 100,000 neurons with heterogeneous bias, one second of
# model time, outputs in ./lifgpu-out (overwritten).
run: build
	./$(BIN) run -f -o lifgpu-out

# Every test, the GPU ones on Mesa's llvmpipe when there is no GPU. CI sets
# LIFGPU_REQUIRE_GPU=1 so that "no GL context" fails instead of skipping. Then the
# CPU side again with -tags purego (no assembly: the portable Go kernels, drive loops
# and draws, end to end through the conformance suite and the batch runner, whose GPU
# tests resume on them). Then the viewer's tests (test-view). Last, bench/gpu.sh's
# selftest.
PUREGO_PKGS := ./cpu/ ./internal/rng/ ./internal/batch/
test:
	$(GO) vet $(GOFLAGS_BUILD) ./...
	$(if $(VIEWTAGS),$(GO) vet -tags '$(TAGS) $(VIEWTAGS)' ./...)
	$(GO) vet -tags purego ./...
	CGO_ENABLED=0 $(GO) build ./...
	$(GO) test $(GOFLAGS_BUILD) -count=1 -timeout 15m ./...
	$(GO) test -tags 'purego $(TAGS)' -count=1 -timeout 10m $(PUREGO_PKGS)
	@$(MAKE) --no-print-directory test-view
	@$(MAKE) --no-print-directory fuzz FUZZTIME=10s
	@$(if $(filter egl,$(TAGS)),$(MAKE) --no-print-directory gpu-selftest,echo "gpu-selftest skipped: no EGL headers")

# The viewer's tests, built with the tag glfw: they start a virtual X server (Xvfb;
# without it they use $$DISPLAY, else skip, or fail under LIFGPU_REQUIRE_GPU=1) and
# compare screenshots with the CPU backend's state. The headless build's own tests
# (above) check that it links no X11.
test-view:
ifneq ($(VIEWTAGS),)
	$(GO) test -tags '$(TAGS) $(VIEWTAGS)' -count=1 -timeout 5m ./internal/view/
	$(GO) test -tags '$(TAGS) $(VIEWTAGS)' -count=1 -timeout 5m -run '^TestView$$' ./cmd/lifgpu/
else ifeq ($(LIFGPU_REQUIRE_GPU),1)
	@echo "test-view: LIFGPU_REQUIRE_GPU=1 and $(VIEW_MISSING)"; exit 1
else
	@echo "test-view skipped: $(VIEW_MISSING)"
endif

# A one-node Slurm cluster on this machine (munged, slurmctld, slurmd, stopped after;
# Debian's slurm-wlm and munge installed when missing, as root): lifgpu slurm -submit
# runs a 10^6-neuron spec as a 4-task job array and its merge job, one task requeued
# mid-run; the merged files must equal an unsharded run's byte for byte (about 30 s).
test-slurm:
	GO=$(GO) bash .ci/test-slurm.sh

# bench/gpu.sh, the GPU machine's script, run here on llvmpipe with tiny sizes: it must
# refuse the software renderer and give every row of its verdict table (about 30 s).
gpu-selftest:
	GO=$(GO) bash bench/gpu.sh selftest

# The fuzzers of the spec parser, the .npy reader, and the readers of checkpoints and
# parts (internal/batch), from their seed corpora (testdata/fuzz, and seeds the targets
# make); a short run in CI, longer by hand: make fuzz FUZZTIME=10m FUZZMIN=60s.
# FUZZMIN bounds the executions (or the time) a worker spends minimizing each input that
# finds new coverage. Go's default is 60 s, and the minimizer's pass over every pair of
# cut points is quadratic in the input's length: on the spec fuzzer's seeds
# (example.toml and network.toml, 1-2 KB) one minimization took the whole minute, and a
# 10 s run showed "0 execs/sec" after its first 3 s while both workers minimized (a
# SIGQUIT to a worker: "hung ... while minimizing"). No input hung the parser: with the
# cap, 60 s ran 1.5 million inputs without a stall. A crasher is still reported, less
# minimized.
FUZZTIME ?= 1m
FUZZMIN  ?= 10x
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMIN) ./internal/spec
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMIN) ./internal/npy
	$(GO) test -run '^$$' -fuzz '^FuzzCheckpoint$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMIN) ./internal/batch

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
	$(if $(VIEWTAGS),$(GO) tool staticcheck -tags '$(TAGS) $(VIEWTAGS)' ./internal/view/ ./cmd/lifgpu/)

clean:
	rm -rf bin lifgpu-out
