package main

import (
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
		out := filepath.Join(t.TempDir(), "net.json")
		args := []string{"bench", "-workload", "network", "-n", "3000", "-in-degree", "120", "-warmup", "50", "-steps", "100", "-json", out}
		if proc {
			args = append(args, "-procedural")
		}
		code, stdout, errs := run(t, args...)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, stdout, errs)
		}
		r := oneRow(t, out)
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
}
