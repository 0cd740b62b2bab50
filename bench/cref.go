package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// FindBaselines returns the folder that holds the baseline programs (cpu_ref.c,
// peers_gpu.py): $LIFGPU_BASELINES, else bench/baselines (a copy carried to a GPU
// machine), else ../shared/bench beside the repository, searched from dir upwards.
func FindBaselines(dir string) (string, error) {
	if d := os.Getenv("LIFGPU_BASELINES"); d != "" {
		return d, nil
	}
	for d := dir; ; d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "bench", "baselines"), filepath.Join(d, "..", "shared", "bench")} {
			if _, err := os.Stat(filepath.Join(c, "cpu_ref.c")); err == nil {
				return c, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", errors.New("bench: no baselines found: set LIFGPU_BASELINES to the folder with cpu_ref.c, or pass -no-baseline")
		}
	}
}

// CRef compiles the C reference (cpu_ref.c in dir) with gcc -O3 -march=native
// -ffp-contract=off -fopenmp into a temporary folder and returns a runner for it.
func CRef(dir string) (func(n, steps int, mode string) (Row, error), func(), error) {
	if _, err := exec.LookPath("gcc"); err != nil {
		return nil, nil, errors.New("bench: the C reference needs gcc")
	}
	tmp, err := os.MkdirTemp("", "lifgpu-cref")
	if err != nil {
		return nil, nil, err
	}
	bin := filepath.Join(tmp, "cpu_ref")
	out, err := exec.Command("gcc", "-O3", "-march=native", "-ffp-contract=off", "-fopenmp", "-o", bin, filepath.Join(dir, "cpu_ref.c")).CombinedOutput()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, fmt.Errorf("bench: compiling %s: %v\n%s", filepath.Join(dir, "cpu_ref.c"), err, out)
	}
	run := func(n, steps int, mode string) (Row, error) {
		cmd := exec.Command(bin, strconv.Itoa(n), strconv.Itoa(steps), mode)
		cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+strconv.Itoa(runtime.GOMAXPROCS(0)))
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		if err := cmd.Run(); err != nil {
			return Row{}, fmt.Errorf("bench: C reference %s: %v", mode, err)
		}
		var res struct {
			Seconds     float64 `json:"seconds"`
			TotalSpikes uint64  `json:"total_spikes"`
			Threads     int     `json:"threads"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			return Row{}, fmt.Errorf("bench: C reference printed %q: %v", stdout.String(), err)
		}
		r := Row{Name: "c-ref/" + mode, Backend: "c", Mode: mode, Method: "euler", N: n, Steps: steps,
			Spikes: res.TotalSpikes, Device: fmt.Sprintf("gcc -O3 -march=native, %d threads", res.Threads),
			Date: time.Now().UTC().Format("2006-01-02")}
		r.fill(res.Seconds)
		return r, nil
	}
	return run, func() { os.RemoveAll(tmp) }, nil
}
