package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// CRef compiles the C reference of workload W1 with gcc -O3 -march=native
// -ffp-contract=off -fopenmp into a temporary folder and returns a runner for it and
// a function that removes the folder. The source is CRefFile in dir, or the copy built
// into this package (bench/baseline/cpu_ref.c) when dir is empty. Without gcc the
// error is ErrNoGCC.
//
// The runner runs n neurons for steps steps in mode "step" (a sweep over all neurons a
// step) or "blocked" (all steps for a cache-sized block), with GOMAXPROCS OpenMP
// threads, and returns the row "c-ref/" + mode.
func CRef(dir string) (func(n, steps int, mode string) (Row, error), func(), error) {
	if _, err := exec.LookPath("gcc"); err != nil {
		return nil, nil, ErrNoGCC
	}
	src, done, err := writeSource(dir, CRefFile)
	if err != nil {
		return nil, nil, err
	}
	bin := filepath.Join(filepath.Dir(src), "cpu_ref")
	out, err := exec.Command("gcc", "-O3", "-march=native", "-ffp-contract=off", "-fopenmp", "-o", bin, src).CombinedOutput()
	if err != nil {
		done()
		from := "the built-in " + CRefFile
		if dir != "" {
			from = filepath.Join(dir, CRefFile)
		}
		return nil, nil, fmt.Errorf("bench: compiling %s: %v\n%s", from, err, out)
	}
	run := func(n, steps int, mode string) (Row, error) {
		cmd := exec.Command(bin, strconv.Itoa(n), strconv.Itoa(steps), mode)
		cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+strconv.Itoa(runtime.GOMAXPROCS(0)))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return Row{}, fmt.Errorf("bench: C reference %s: %v: %s", mode, err, bytes.TrimSpace(stderr.Bytes()))
		}
		var res struct {
			N           int     `json:"N"`
			Steps       int     `json:"steps"`
			Seconds     float64 `json:"seconds"`
			TotalSpikes uint64  `json:"total_spikes"`
			Threads     int     `json:"threads"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			return Row{}, fmt.Errorf("bench: C reference printed %q: %v", stdout.String(), err)
		}
		if res.N != n || res.Steps != steps {
			return Row{}, fmt.Errorf("bench: C reference ran N = %d, %d steps, asked for %d, %d", res.N, res.Steps, n, steps)
		}
		r := Row{Name: "c-ref/" + mode, Backend: "c", Mode: mode, Method: "euler", N: n, Steps: steps,
			Spikes: res.TotalSpikes, Device: fmt.Sprintf("gcc -O3 -march=native, %d threads", res.Threads),
			Date: time.Now().UTC().Format("2006-01-02")}
		r.fill(res.Seconds)
		return r, nil
	}
	return run, done, nil
}
