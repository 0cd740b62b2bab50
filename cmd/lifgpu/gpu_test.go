package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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

// TestDeviceFlag: -device 0 runs on EGL device 0 (llvmpipe's software device on the
// machine without a GPU) and the summary says which, that it is a software renderer,
// and that the device memory check was skipped where the driver reports no free
// memory; a device past EGL's list is refused by number, with exit status 1, before
// anything is written, by run (-backend gpu and auto, and through a spec), check and
// validate. info lists the devices.
func TestDeviceFlag(t *testing.T) {
	needGPU(t)
	devs, err := gpu.Devices()
	if err != nil || len(devs) == 0 {
		t.Skipf("no EGL device list: %v", err)
	}
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	code, out, errs := run(t, "run", "-n", "500", "-steps", "200", "-backend", "gpu", "-device", "0", "-o", ok)
	if code != 0 {
		t.Fatalf("-device 0: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "EGL device 0") {
		t.Errorf("the summary does not name EGL device 0:\n%s", out)
	}
	if devs[0].Software && !strings.Contains(out, "software renderer: for testing, slower than the CPU backend") {
		t.Errorf("the summary does not say that the renderer is software:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(ok, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if devs[0].MemorySource == "" {
		if !strings.Contains(out, "device memory    check skipped (the driver does not report free memory)") {
			t.Errorf("the summary does not say that the memory check was skipped:\n%s", out)
		}
		if !strings.Contains(string(b), `"device_memory_check": "skipped (the driver does not report free memory)"`) {
			t.Errorf("run.json does not say that the memory check was skipped:\n%s", b)
		}
	}
	if !strings.Contains(string(b), `"device": 0`) {
		t.Errorf("run.json's spec does not hold the device:\n%s", b)
	}

	k := max(5, len(devs))
	ks := strconv.Itoa(k)
	spec := filepath.Join(dir, "spec.toml")
	if err := os.WriteFile(spec, []byte("n = 100\nsteps = 10\nbackend = \"gpu\"\ndevice = "+ks+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"run", "-n", "100", "-steps", "10", "-backend", "gpu", "-device", ks, "-o", filepath.Join(dir, "gpu")},
		{"run", "-n", "100", "-steps", "10", "-device", ks, "-o", filepath.Join(dir, "auto")},
		{"run", "-config", spec, "-o", filepath.Join(dir, "spec")},
		{"check", "-n", "100", "-steps", "10", "-device", ks},
		{"validate", spec},
	} {
		code, _, errs := run(t, args...)
		want := fmt.Sprintf("EGL device %d does not exist: EGL lists %d device", k, len(devs))
		if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "'lifgpu info' lists them") {
			t.Errorf("%v: exit %d, %q; want 1 and %q with the hint", args, code, errs, want)
		}
	}
	for _, d := range []string{"gpu", "auto", "spec"} {
		if _, err := os.Stat(filepath.Join(dir, d)); err == nil {
			t.Errorf("a refused device left the output folder %s", d)
		}
	}

	code, out, errs = run(t, "check", "-n", "300", "-steps", "50", "-device", "0")
	if code != 0 || !strings.Contains(out, "EGL device 0") {
		t.Errorf("check -device 0: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "info")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("devices    %d EGL device", len(devs))) || !strings.Contains(out, "* 0") && !strings.Contains(out, "* 1") {
		t.Errorf("info does not list the devices: exit %d\n%s%s", code, out, errs)
	}
}

// needGPUNetworks is needGPU for the network tests: the GPU backend runs networks,
// so a GPU population of one must carry the synaptic state (a backend that ignored the
// synapses would be a bug, not a reason to skip).
func needGPUNetworks(t *testing.T) {
	t.Helper()
	needGPU(t)
	cfg := lifgpu.Config{N: 2, Projections: []lifgpu.Projection{{Pre: []int32{0}, Post: []int32{1}, Weight: []float64{1}, Delay: []float64{1}}}}
	p, err := gpu.New(cfg, gpu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if st, err := p.State(); err != nil || st.IEx == nil {
		t.Fatalf("a GPU network's state has no synaptic currents (%v)", err)
	}
}

// TestCheckNetworkGPU: lifgpu check on the README's network compares the CPU and the
// GPU, synaptic currents and delay rings included, bit for bit.
func TestCheckNetworkGPU(t *testing.T) {
	needGPUNetworks(t)
	code, out, errs := run(t, "check", "-config", "../../testdata/specs/network.toml", "-steps", "1000")
	if code != 0 || !strings.Contains(out, "bit-identical: u, ref, counts, synaptic currents (i_ex, i_in) and delay rings") {
		t.Fatalf("check: exit %d\n%s%s", code, out, errs)
	}
}

// TestDevicesFlag: -devices with device 0 named twice (this machine has one EGL device)
// and -devices all give the files of a run on the CPU, byte for byte.
func TestDevicesFlag(t *testing.T) {
	needGPU(t)
	spec := writeSpec(t, clusterSpec)
	tmp := t.TempDir()
	whole := filepath.Join(tmp, "whole")
	mustRun(t, "run", "-config", spec, "-o", whole, "-backend", "cpu", "-log", "json")
	for _, devs := range []string{"0,0", "all"} {
		out := filepath.Join(tmp, "devices-"+devs)
		sum := mustRun(t, "run", "-config", spec, "-devices", devs, "-o", out, "-log", "json")
		if !strings.Contains(sum, "merged from") {
			t.Errorf("-devices %s summary:\n%s", devs, sum)
		}
		sameOutputs(t, whole, out, "-devices "+devs)
	}
}
