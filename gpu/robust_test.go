//go:build cgo && egl

package gpu

import (
	"errors"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// TestRobustContext: the context asks for reset notification where the display offers
// it (EGL 1.5 or EGL_EXT_create_context_robustness: Mesa 22 does, llvmpipe included),
// and Device says what it got.
func TestRobustContext(t *testing.T) {
	d, err := Info()
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("robust %v, robust access %v: %s", d.Robust, d.RobustAccess, d.Robustness)
	if d.Robustness == "" {
		t.Error("Device.Robustness is empty: it must say how the context was made")
	}
	if d.Robust == strings.HasPrefix(d.Robustness, "none") {
		t.Errorf("Robust = %v, but Robustness says %q", d.Robust, d.Robustness)
	}
	if strings.Contains(d.Version, "Mesa") && !d.Robust {
		t.Errorf("Mesa offers EGL 1.5's reset notification, but the context has none: %s", d.Robustness)
	}
}

// TestContextAttempts: robust attribute lists come first, each with robust access and
// then without, and the plain list is always last.
func TestContextAttempts(t *testing.T) {
	for _, c := range []struct {
		egl15 bool
		ext   string
		want  []string
	}{
		{false, "", []string{"plain"}},
		{true, "", []string{"EGL 1.5 reset notification and robust access", "EGL 1.5 reset notification", "plain"}},
		{false, "EGL_EXT_create_context_robustness", []string{
			"EGL_EXT_create_context_robustness reset notification and robust access", "EGL_EXT_create_context_robustness reset notification", "plain"}},
		{true, "EGL_KHR_create_context EGL_EXT_create_context_robustness", []string{
			"EGL 1.5 reset notification and robust access", "EGL 1.5 reset notification",
			"EGL_KHR_create_context reset notification and robust access",
			"EGL_EXT_create_context_robustness reset notification and robust access", "EGL_EXT_create_context_robustness reset notification", "plain"}},
	} {
		var got []string
		for _, a := range contextAttempts(c.egl15, c.ext, false) {
			got = append(got, a.name)
			if a.robust == (a.name == "plain") || a.attrs[len(a.attrs)-1] != 0x3038 { // EGL_NONE
				t.Errorf("%s: robust %v, last attribute 0x%x", a.name, a.robust, a.attrs[len(a.attrs)-1])
			}
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("EGL 1.5 %v, %q:\n got %q\nwant %q", c.egl15, c.ext, got, c.want)
		}
	}
	for v, want := range map[string]bool{"1.5 Mesa 22.3.6": true, "1.4": false, "1.5": true, "2.0": true, "": false, "x": false} {
		if eglAtLeast15(v) != want {
			t.Errorf("eglAtLeast15(%q) = %v", v, !want)
		}
	}
}

// TestResetLoses injects a GPU reset (the reset status query reports one after 5
// dispatches): the Run that sees it fails with a *ResetError naming the reset's kind,
// and the population is lost: it refuses to step and to give any part of its state
// (the injected reset filled the state buffers with NaNs, as a real one may leave
// garbage), and a Restore into it is refused too. Close still works.
func TestResetLoses(t *testing.T) {
	cfg := w1(3000, lifgpu.Record{Spikes: true, Rate: true, Traces: []int{7}})
	p := newHooked(t, cfg, Options{StepsPerDispatch: 4}, gpuhook.Hooks{ResetAfter: 5})
	if err := p.Run(8); err != nil {
		t.Fatalf("before the reset: %v", err)
	}
	good, err := p.State()
	if err != nil {
		t.Fatal(err)
	}
	err = p.Run(40)
	var re *ResetError
	if !errors.As(err, &re) || re.Status != "GL_UNKNOWN_CONTEXT_RESET" || !re.Injected {
		t.Fatalf("Run after the reset: %v, want a *ResetError with GL_UNKNOWN_CONTEXT_RESET, injected", err)
	}
	if !strings.Contains(err.Error(), "GL_UNKNOWN_CONTEXT_RESET") || !strings.Contains(err.Error(), "dispatching steps") {
		t.Errorf("the error names neither the reset's kind nor what was running: %v", err)
	}
	if errors.Is(err, lifgpu.ErrNoGPU) {
		t.Errorf("a reset is not ErrNoGPU (callers would fall back without the checkpoint): %v", err)
	}
	refused := func(what string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "lost") || !strings.Contains(err.Error(), "GL_UNKNOWN_CONTEXT_RESET") {
			t.Errorf("%s after the reset: %v, want a refusal that names the reset", what, err)
		}
	}
	_, err = p.State()
	refused("State", err)
	refused("Potentials", p.Potentials(make([]float32, cfg.N)))
	refused("Refractory", p.Refractory(make([]int32, cfg.N)))
	refused("Counts", p.Counts(make([]uint32, cfg.N)))
	_, err = p.Spiked()
	refused("Spiked", err)
	refused("Run", p.Run(1))
	refused("Forward", p.Forward(lifgpu.Scalar(1)))
	refused("Restore", p.Restore(good))
	if err := p.Close(); err != nil {
		t.Errorf("Close after the reset: %v", err)
	}
}

// TestOutOfMemoryTears injects GL_OUT_OF_MEMORY at the check after a dispatch batch:
// the error wraps ErrOutOfDeviceMemory, the state is torn (refused until a Restore),
// and a Restore makes the population whole again, bit for bit with the reference.
func TestOutOfMemoryTears(t *testing.T) {
	cfg := w1(3000, lifgpu.Record{Spikes: true, Rate: true})
	p := newHooked(t, cfg, Options{StepsPerDispatch: 4}, gpuhook.Hooks{OutOfMemoryAfter: 3})
	err := p.Run(40)
	if !errors.Is(err, lifgpu.ErrOutOfDeviceMemory) || !strings.Contains(err.Error(), "GL_OUT_OF_MEMORY") {
		t.Fatalf("Run: %v, want an error wrapping ErrOutOfDeviceMemory that names GL_OUT_OF_MEMORY", err)
	}
	if _, err := p.State(); err == nil {
		t.Fatal("the state was read after GL_OUT_OF_MEMORY in a dispatch")
	}
	if err := p.Run(1); err == nil {
		t.Fatal("stepped on after GL_OUT_OF_MEMORY in a dispatch")
	}
	ref := mustRef(t, cfg)
	defer ref.Close()
	if err := ref.Run(13); err != nil {
		t.Fatal(err)
	}
	st, _ := ref.State()
	ref.ClearRecording()
	if err := p.Restore(st); err != nil {
		t.Fatal(err)
	}
	if err := p.Run(30); err != nil {
		t.Fatal(err)
	}
	ref.Run(30)
	if d := conformance.Diff(ref, p); d != "" {
		t.Fatalf("after Restore: %s", d)
	}
}
