package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/gpu"
)

// needGPU skips without a GL context, unless LIFGPU_REQUIRE_GPU=1 (CI) makes that a failure.
func needGPU(t *testing.T) {
	t.Helper()
	if _, err := gpu.Info(); err != nil {
		if os.Getenv("LIFGPU_REQUIRE_GPU") == "1" || !errors.Is(err, lifgpu.ErrNoGPU) {
			t.Fatalf("no GL context: %v", err)
		}
		t.Skipf("no GL context: %v", err)
	}
}

// TestRunGPUFilesIdentical runs the example on both backends: every NPZ file must be
// byte-identical.
func TestRunGPUFilesIdentical(t *testing.T) {
	needGPU(t)
	dir := t.TempDir()
	for _, b := range []string{"cpu", "gpu"} {
		code, out, errs := run(t, "run", "-config", "../../testdata/specs/example.toml", "-o", filepath.Join(dir, b), "-backend", b)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", b, code, errs)
		}
		if !strings.Contains(out, "backend          "+b) {
			t.Errorf("%s summary: %s", b, out)
		}
	}
	for _, f := range []string{"spikes.npz", "rate.npz", "traces.npz", "state.npz"} {
		a, err1 := os.ReadFile(filepath.Join(dir, "cpu", f))
		b, err2 := os.ReadFile(filepath.Join(dir, "gpu", f))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the cpu and the gpu run", f)
		}
	}
}

func TestCheckAndInfo(t *testing.T) {
	needGPU(t)
	code, out, errs := run(t, "check", "-n", "3000", "-steps", "300")
	if code != 0 || !strings.Contains(out, "bit-identical") {
		t.Fatalf("check: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "check", "-config", "../../testdata/specs/example.toml", "-steps", "1500", "-slices", "7")
	if code != 0 || !strings.Contains(out, "bit-identical") {
		t.Fatalf("check example: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "info")
	if code != 0 || !strings.Contains(out, "renderer") || !strings.Contains(out, "auto") {
		t.Fatalf("info: exit %d\n%s%s", code, out, errs)
	}
}
