package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchNetwork: lifgpu bench -workload network runs CUBA at another in-degree,
// stored and procedural, and reports updates and synaptic events per second; the same
// network stored or procedural fires the same spikes (the connectivity is the same).
func TestBenchNetwork(t *testing.T) {
	var rates []float64
	for _, proc := range []bool{false, true} {
		out, png := filepath.Join(t.TempDir(), "net.json"), filepath.Join(t.TempDir(), "net.png")
		args := []string{"bench", "-workload", "network", "-n", "3000", "-in-degree", "120", "-warmup", "50", "-steps", "100", "-json", out,
			"-plot", png}
		if proc {
			args = append(args, "-procedural")
		}
		code, stdout, errs := run(t, args...)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, stdout, errs)
		}
		r := oneRow(t, out)
		if st, err := os.Stat(png); err != nil || st.Size() == 0 {
			t.Errorf("-plot: %v", err)
		}
		if r.Synapses != 3000*120 || r.Steps != 100 || r.UpdatesPerS <= 0 || r.EventsPerS <= 0 || r.Spikes == 0 ||
			r.EventsPerS != float64(r.Spikes)*120/r.Seconds {
			t.Errorf("procedural %v: row %+v", proc, r)
		}
		rates = append(rates, r.RateHz)
	}
	if rates[0] != rates[1] {
		t.Errorf("stored rate %g Hz, procedural %g Hz: not the same network", rates[0], rates[1])
	}
	for _, c := range []struct{ args, want string }{
		{"-n 100 -in-degree 200", "-in-degree 200 is more than -n 100"},
		{"-n 100 -in-degree 0", "-in-degree 0: must be at least 1"},
		{"-n 100 -warmup -1", "-warmup -1"},
	} {
		args := append([]string{"bench", "-workload", "network"}, strings.Fields(c.args)...)
		if code, _, errs := run(t, args...); code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, %q", c.args, code, errs)
		}
	}
	// A flag the workload does not read, and a backend that does not exist, are refused.
	for _, c := range []struct{ args, want string }{
		{"-workload cuba -procedural", "-procedural is for -workload network, not cuba"},
		{"-workload network -reps 2", "-reps is for -workload w1, not network"},
		{"-workload microcircuit -plot x.png", "-plot is for -workload w1 or cuba or network, not microcircuit"},
		{"-workload network -backend cpux", `-backend "cpux": must be cpu, gpu or all`},
	} {
		args := append([]string{"bench"}, strings.Fields(c.args)...)
		if code, _, errs := run(t, args...); code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, %q", c.args, code, errs)
		}
	}
}
