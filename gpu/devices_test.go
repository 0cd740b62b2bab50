//go:build cgo && egl

package gpu

import (
	"errors"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// TestDevices lists EGL's devices (llvmpipe's software device alone on the machine
// without a GPU), makes a population on each by number, and refuses a number past
// the list with a *DeviceError that is not ErrNoGPU.
func TestDevices(t *testing.T) {
	_, err := Info()
	noGPU(t, err)
	devs, err := Devices()
	if err != nil {
		t.Skipf("no device platform: %v", err)
	}
	if len(devs) == 0 {
		t.Skip("EGL lists no devices")
	}
	autos := 0
	for k, d := range devs {
		t.Logf("%d: %s; %s; robust: %s; err %v", k, d.EGL.Where(), d, d.Robustness, d.Err)
		if d.EGL.Index != k {
			t.Errorf("device %d says index %d", k, d.EGL.Index)
		}
		if d.EGL.Auto {
			autos++
		}
		if d.Err != nil {
			continue
		}
		if d.EGL.Software && !d.Software {
			t.Errorf("device %d: EGL says software, the renderer %q does not", k, d.Renderer)
		}
		p := newPop(t, lifgpu.Config{N: 100}, Options{Device: &k})
		if got := p.Device().EGL.Index; got != k {
			t.Errorf("Options.Device %d made a population on EGL device %d", k, got)
		}
		if b := p.Backend(); !strings.Contains(b, d.EGL.Where()) || d.Software != strings.Contains(b, "software renderer: for testing") {
			t.Errorf("Backend %q does not name EGL device %d as %q (software %v)", b, k, d.EGL.Where(), d.Software)
		}
		if err := p.Run(10); err != nil {
			t.Error(err)
		}
	}
	if autos != 1 {
		t.Errorf("%d devices marked as the automatic choice, want 1", autos)
	}
	for _, k := range []int{len(devs), len(devs) + 4, -1} {
		_, err := New(lifgpu.Config{N: 100}, Options{Device: &k})
		var de *DeviceError
		if !errors.As(err, &de) || de.Index != k || de.Count != len(devs) || errors.Is(err, lifgpu.ErrNoGPU) {
			t.Errorf("device %d of %d: %v, want a *DeviceError that is not ErrNoGPU", k, len(devs), err)
		}
		if _, err := ProbeFor(&k); !errors.As(err, &de) {
			t.Errorf("ProbeFor(%d): %v, want a *DeviceError", k, err)
		}
	}
}

// TestCUDAVisibleWithoutNVIDIA: on a machine whose EGL devices report no CUDA number,
// CUDA_VISIBLE_DEVICES changes nothing, and AutoNote says it is not used. Not parallel:
// it sets the environment.
func TestCUDAVisibleWithoutNVIDIA(t *testing.T) {
	d0, err := Info()
	noGPU(t, err)
	t.Setenv("CUDA_VISIBLE_DEVICES", "3")
	devs, err := Devices()
	if err != nil {
		t.Skip(err)
	}
	for _, d := range devs {
		if d.EGL.CUDA >= 0 || d.EGL.cudaExt {
			t.Skip("a device here reports a CUDA number: TestChooseAuto covers it")
		}
	}
	d, err := Info()
	if err != nil {
		t.Fatal(err)
	}
	if d.Platform != d0.Platform || d.Renderer != d0.Renderer {
		t.Errorf("CUDA_VISIBLE_DEVICES moved the automatic choice from %s to %s", d0.Platform, d.Platform)
	}
	if n := AutoNote(); !strings.Contains(n, "not used") {
		t.Errorf("AutoNote() = %q", n)
	}
}
