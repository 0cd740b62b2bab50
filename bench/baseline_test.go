package bench_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/cpu"
)

// haveGCC says whether the C reference can run here: where gcc is on PATH (as in
// CI) the tests of it must not skip.
func haveGCC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not on PATH")
	}
}

// cpuSpikes is the CPU backend's spike total for W1 at n neurons after steps steps.
func cpuSpikes(t *testing.T, n, steps int) uint64 {
	t.Helper()
	pop, err := cpu.New(bench.W1(n, false), cpu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pop.Close()
	if err := pop.Run(steps); err != nil {
		t.Fatal(err)
	}
	c := make([]uint32, n)
	if err := pop.Counts(c); err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, x := range c {
		total += uint64(x)
	}
	return total
}

// TestCRefBuiltin compiles the built-in C reference and checks that both modes count
// the spikes of the CPU backend, and W1's 6,670,161 at N = 10^6.
func TestCRefBuiltin(t *testing.T) {
	haveGCC(t)
	run, done, err := bench.CRef("")
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	cases := []struct{ n, steps int }{{1, 10}, {1000, 1}, {20_000, 300}, {33_333, 500}}
	if !testing.Short() {
		cases = append(cases, struct{ n, steps int }{1_000_000, bench.W1Steps})
	}
	for _, c := range cases {
		want := cpuSpikes(t, c.n, c.steps)
		if c.n == 1_000_000 && want != 6_670_161 {
			t.Fatalf("the CPU backend counts %d spikes in W1, the contract 6670161", want)
		}
		for _, mode := range []string{"step", "blocked"} {
			r, err := run(c.n, c.steps, mode)
			if err != nil {
				t.Fatal(err)
			}
			if r.Spikes != want || r.N != c.n || r.Steps != c.steps || r.UpdatesPerS <= 0 || r.Name != "c-ref/"+mode {
				t.Errorf("n=%d, %d steps, %s: %+v, want %d spikes", c.n, c.steps, mode, r, want)
			}
		}
	}
	if _, err := run(10, 10, "sideways"); err == nil {
		t.Error("an unknown mode ran")
	}
}

// TestCRefDir runs a C reference from a folder instead of the built-in one, and says
// which file did not compile.
func TestCRefDir(t *testing.T) {
	haveGCC(t)
	dir := t.TempDir()
	src, _ := bench.Source("", bench.CRefFile)
	if err := os.WriteFile(filepath.Join(dir, bench.CRefFile), src, 0o644); err != nil {
		t.Fatal(err)
	}
	run, done, err := bench.CRef(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := run(20_000, 300, "blocked")
	done()
	if err != nil || r.Spikes != 35_836 {
		t.Errorf("%+v, %v; want 35836 spikes", r, err)
	}
	if err := os.WriteFile(filepath.Join(dir, bench.CRefFile), []byte("not C"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := bench.CRef(dir); err == nil || !bytes.Contains([]byte(err.Error()), []byte(filepath.Join(dir, bench.CRefFile))) {
		t.Errorf("a broken C reference: %v", err)
	}
}

func TestCRefNoGCC(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, _, err := bench.CRef(""); !errors.Is(err, bench.ErrNoGCC) {
		t.Errorf("without gcc: %v, want ErrNoGCC", err)
	}
	if r := bench.Skip("c-ref", bench.ErrNoGCC); r.Skipped == "" || r.UpdatesPerS != 0 {
		t.Errorf("skipped row %+v", r)
	}
}

// TestPeersBuiltin runs the built-in GPU peers: without PyTorch, CuPy or a GPU they
// must say so in skipped rows, not fail.
func TestPeersBuiltin(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not on PATH")
	}
	rows, out, err := bench.RunPeers("", []int{4096}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("no rows from:\n%s", out)
	}
	for _, r := range rows {
		if r.Skipped == "" && r.UpdatesPerS <= 0 && r.StateGBps <= 0 {
			t.Errorf("row %+v neither measured nor skipped", r)
		}
	}
	t.Logf("\n%s", out)
}

func TestPeersNoPython(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, _, err := bench.RunPeers("", []int{10}, 0); !errors.Is(err, bench.ErrNoPython3) {
		t.Errorf("without python3: %v, want ErrNoPython3", err)
	}
}

// TestSource: the built-in sources are the files in bench/baseline; a folder's are its own.
func TestSource(t *testing.T) {
	for _, name := range []string{bench.CRefFile, bench.PeersFile} {
		disk, err := os.ReadFile(filepath.Join("baseline", name))
		if err != nil {
			t.Fatal(err)
		}
		if b, err := bench.Source("", name); err != nil || !bytes.Equal(b, disk) {
			t.Errorf("%s: built-in copy differs from baseline/%s (%v)", name, name, err)
		}
		if _, err := bench.Source(t.TempDir(), name); err == nil {
			t.Errorf("%s from an empty folder: no error", name)
		}
	}
	if _, err := bench.Source("", "other.c"); err == nil {
		t.Error("an unknown baseline was found")
	}
}
