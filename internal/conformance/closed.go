package conformance

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/lifgpu/lifgpu"
)

var update = flag.Bool("update", false, "rewrite the closed-form golden files in internal/conformance/testdata/golden")

// Golden cases, derived from the closed forms of the maps, never from the simulator.
type relaxCase struct {
	Method string    `json:"method"`
	TauM   float64   `json:"tau_m"`
	R      float64   `json:"r"`
	I      float64   `json:"i"`
	URest  float64   `json:"u_rest"`
	U0     float64   `json:"u0"`
	Dt     float64   `json:"dt"`
	Steps  []int     `json:"steps"`
	U      []float64 `json:"u"` // u after Steps[k] steps
}

type fiCase struct {
	I          float64 `json:"i"`
	FirstSpike int     `json:"first_spike_step"`
	ISI        int     `json:"isi_steps"`
	RateHz     float64 `json:"rate_hz"`
}

// Closed checks the backend against the closed forms: the subthreshold relaxation of
// the Euler map u_n = u_inf + (u0-u_inf)(1-alpha)^n, the exact method's
// u_n = u_inf + (u0-u_inf)exp(-n dt/tau_m), and the interspike interval of the discrete
// map for constant input (the f-I curve).
func Closed(t *testing.T, f Factory) {
	var relax []relaxCase
	golden(t, "relax.json", &relax, makeRelax)
	for _, c := range relax {
		cfg := lifgpu.Config{N: 1}
		cfg.Params = lifgpu.Params{Method: lifgpu.Method(c.Method), Dt: c.Dt, TauM: lifgpu.Scalar(c.TauM), R: lifgpu.Scalar(c.R),
			URest: lifgpu.Scalar(c.URest), UReset: lifgpu.Scalar(c.URest - 20), UTh: lifgpu.Scalar(1000), U0: lifgpu.Scalar(c.U0)}
		cfg.Input.Bias = lifgpu.Scalar(c.I)
		pop := mustNew(t, f, cfg)
		u := make([]float32, 1)
		at := 0
		for k, s := range c.Steps {
			if err := pop.Run(s - at); err != nil {
				t.Fatal(err)
			}
			at = s
			if err := pop.Potentials(u); err != nil {
				t.Fatal(err)
			}
			// float32 rounding adds at most ~|u|*2^-24 a step, damped by (1-alpha):
			// the sum stays below 1e-3 mV for these cases.
			if d := math.Abs(float64(u[0]) - c.U[k]); d > 1e-3 {
				t.Errorf("%s tau=%g I=%g: u after %d steps = %.6f, closed form %.6f (|diff| %.2g > 1e-3)", c.Method, c.TauM, c.I, s, u[0], c.U[k], d)
			}
		}
		pop.Close()
	}

	var fi []fiCase
	golden(t, "fi.json", &fi, makeFI)
	bias := make([]float32, len(fi))
	for k, c := range fi {
		bias[k] = float32(c.I)
	}
	cfg := lifgpu.Config{N: len(fi), Record: lifgpu.Record{Spikes: true}}
	cfg.Input.Bias = lifgpu.Float32s(bias)
	pop := mustNew(t, f, cfg)
	defer pop.Close()
	if err := pop.Run(3000); err != nil {
		t.Fatal(err)
	}
	rec, err := pop.Recording()
	if err != nil {
		t.Fatal(err)
	}
	spikes := make([][]int32, len(fi))
	for k, id := range rec.SpikeIDs {
		spikes[id] = append(spikes[id], rec.SpikeSteps[k])
	}
	for k, c := range fi {
		s := spikes[k]
		if c.FirstSpike < 0 {
			if len(s) > 0 {
				t.Errorf("I=%g: spiked at %v, closed form says never", c.I, s[0])
			}
			continue
		}
		if len(s) < 2 || int(s[0]) != c.FirstSpike {
			t.Errorf("I=%g: spikes %v, closed form: first at step %d", c.I, head(s), c.FirstSpike)
			continue
		}
		for j := 1; j < len(s); j++ {
			if int(s[j]-s[j-1]) != c.ISI {
				t.Errorf("I=%g: interval %d between spikes %d and %d, closed form %d", c.I, s[j]-s[j-1], j-1, j, c.ISI)
				break
			}
		}
	}
}

func makeRelax() any {
	var out []relaxCase
	for _, c := range []relaxCase{
		{Method: "euler", TauM: 10, R: 20, I: 0.3, URest: -62, U0: -62, Dt: 0.1},
		{Method: "euler", TauM: 20, R: 10, I: -0.5, URest: -70, U0: -55, Dt: 0.1},
		{Method: "euler", TauM: 5, R: 1, I: 3, URest: -65, U0: -80, Dt: 0.25},
		{Method: "exact", TauM: 10, R: 20, I: 0.3, URest: -62, U0: -62, Dt: 0.1},
		{Method: "exact", TauM: 3, R: 10, I: 1, URest: -70, U0: -50, Dt: 0.5},
	} {
		uinf := c.URest + c.R*c.I
		for _, n := range []int{1, 10, 100, 1000, 5000} {
			var decay float64
			if c.Method == "euler" {
				decay = math.Pow(1-c.Dt/c.TauM, float64(n))
			} else {
				decay = math.Exp(-float64(n) * c.Dt / c.TauM)
			}
			c.Steps = append(c.Steps, n)
			c.U = append(c.U, uinf+(c.U0-uinf)*decay)
		}
		out = append(out, c)
	}
	return out
}

// makeFI derives the interspike interval of the Euler map with the defaults: from
// u_reset, u_n = u_inf - (u_inf-u_reset)(1-alpha)^n first reaches u_th after
// n* = ceil(log((u_inf-u_th)/(u_inf-u_reset)) / log(1-alpha)) updates, so the first
// spike is in step n*-1 and then every n* + ref_steps steps. Currents whose n* falls
// within 1e-3 of a whole number are left out: float32 rounding could go either way.
func makeFI() any {
	const (
		alpha  = lifgpu.DefaultDt / lifgpu.DefaultTauM
		ref    = 50
		uReset = lifgpu.DefaultUReset
		uTh    = lifgpu.DefaultUTh
	)
	var out []fiCase
	for i := 0; i <= 60; i++ {
		I := 0.3 + 0.1*float64(i)
		uinf := lifgpu.DefaultURest + lifgpu.DefaultR*I
		c := fiCase{I: I, FirstSpike: -1}
		if uinf > uTh {
			x := math.Log((uinf-uTh)/(uinf-uReset)) / math.Log(1-alpha)
			if math.Abs(x-math.Round(x)) < 1e-3 {
				continue
			}
			n := int(math.Ceil(x))
			c.FirstSpike, c.ISI = n-1, n+ref
			c.RateHz = 1000 / (float64(c.ISI) * lifgpu.DefaultDt)
		}
		out = append(out, c)
	}
	return out
}

// goldenFS holds the golden files in the test binary itself, so that a binary built
// with go test -c passes wherever it is copied (bench/gpu.sh carries bin/gpu.test to a
// GPU machine that has no source tree at the build machine's path).
//
//go:embed testdata/golden/*.json
var goldenFS embed.FS

// golden reads testdata/golden/name into v from the embedded copy, or with -update
// writes make()'s value to the source file (found through this file's path: -update runs
// in the source tree, under go test) and reads that.
func golden(t *testing.T, name string, v any, make func() any) {
	t.Helper()
	path := "internal/conformance/testdata/golden/" + name // for messages
	b, err := goldenFS.ReadFile("testdata/golden/" + name)
	if *update {
		_, file, _, _ := runtime.Caller(0)
		path = filepath.Join(filepath.Dir(file), "testdata", "golden", name)
		out, merr := json.MarshalIndent(make(), "", "  ")
		if merr != nil {
			t.Fatal(merr)
		}
		if werr := os.WriteFile(path, append(out, '\n'), 0o644); werr != nil {
			t.Fatalf("%v (-update writes the source tree's golden files: run it with go test in the repository)", werr)
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		t.Fatalf("%v (run go test ./cpu -run Conformance -update to make it)", err)
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	// The file must still be what the closed form gives: a hand edit shows here.
	want, _ := json.MarshalIndent(make(), "", "  ")
	if got := bytes.TrimSpace(b); !bytes.Equal(got, want) {
		t.Fatalf("%s differs from its closed form at byte %d; run with -update if the derivation changed", path, firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Errors checks the errors a user can cause through the interface.
func Errors(t *testing.T, f Factory) {
	pop := mustNew(t, f, lifgpu.Config{N: 10})
	var fe *lifgpu.FieldError
	if err := pop.Forward(lifgpu.Float32s(make([]float32, 9))); !errors.As(err, &fe) || fe.Field != "x" {
		t.Errorf("Forward with 9 values for 10 neurons: %v, want a FieldError on x", err)
	}
	if err := pop.Forward(lifgpu.Scalar(math.NaN())); !errors.As(err, &fe) {
		t.Errorf("Forward(NaN): %v, want a FieldError", err)
	}
	// A per-neuron x with a value that is not finite in float32 is refused with
	// Values.Check's error (naming the first such value), before any state changes.
	bad32 := make([]float32, 10)
	bad32[4], bad32[7] = 1e-40, float32(math.Inf(-1)) // a subnormal is fine (flushed)
	bad64 := make([]float64, 10)
	bad64[2], bad64[3], bad64[6] = 1e-300, 1e39, math.NaN()
	for _, x := range []lifgpu.Values{lifgpu.Float32s(bad32), lifgpu.Float64s(bad64)} {
		err := pop.Forward(x)
		if want := x.Check("x", 10); err == nil || want == nil || err.Error() != want.Error() {
			t.Errorf("Forward with a bad per-neuron value: %v, want %v", err, want)
		}
	}
	if err := pop.Run(-1); !errors.As(err, &fe) {
		t.Errorf("Run(-1): %v, want a FieldError", err)
	}
	if err := pop.Run(lifgpu.MaxSteps + 1); !errors.As(err, &fe) {
		t.Errorf("Run(MaxSteps+1): %v, want a FieldError", err)
	}
	if pop.StepCount() != 0 {
		t.Fatalf("step count %d after refused calls", pop.StepCount())
	}
	if err := pop.Run(3); err != nil {
		t.Fatal(err)
	}
	if err := pop.Run(lifgpu.MaxSteps - 2); !errors.As(err, &fe) {
		t.Errorf("Run past the step counter's limit: %v, want a FieldError", err)
	}
	if err := pop.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pop.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := pop.Run(1); !errors.Is(err, lifgpu.ErrClosed) {
		t.Errorf("Run after Close: %v, want ErrClosed", err)
	}
	if err := pop.Counts(make([]uint32, 10)); !errors.Is(err, lifgpu.ErrClosed) {
		t.Errorf("Counts after Close: %v, want ErrClosed", err)
	}
}
