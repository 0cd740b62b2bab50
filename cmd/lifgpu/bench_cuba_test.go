package main

import (
	"encoding/json"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/bench"
)

// TestBenchCUBA: lifgpu bench -workload cuba runs the network for one second of model
// time and reports its dynamics (here without Brian2: -no-baseline).
func TestBenchCUBA(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cuba.json")
	png := filepath.Join(t.TempDir(), "cuba.png")
	code, stdout, errs := run(t, "bench", "-workload", "cuba", "-n", "1000", "-no-baseline", "-json", out, "-plot", png)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	if !strings.Contains(stdout, "lifgpu/cpu") {
		t.Fatalf("no row:\n%s", stdout)
	}
	r := oneRow(t, out)
	// CUBA fires at a few Hz with irregular intervals (CV about 0.5).
	if r.RateHz < 1 || r.RateHz > 20 || r.CV < 0.2 || r.CV > 1 || r.SecPerBioS <= 0 {
		t.Errorf("row %+v", r)
	}
	// The figure: the real-time factor against N.
	f, err := os.Open(png)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cfg, _, err := image.DecodeConfig(f); err != nil || cfg.Width < 400 {
		t.Errorf("-plot: %v, %+v", err, cfg)
	}
	if code, _, errs := run(t, "bench", "-workload", "cuba", "-json", t.TempDir()); code == 0 || !strings.Contains(errs, "is a folder") {
		t.Errorf("-json onto a folder: exit %d, %s", code, errs)
	}
}

// oneRow reads the one row of a bench -json file.
func oneRow(t *testing.T, path string) bench.Row {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []bench.Row
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 1 {
		t.Fatalf("%s: %v: %s", path, err, b)
	}
	return rows[0]
}
