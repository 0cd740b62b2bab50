package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/internal/batch"
)

func cmdBench(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	backends := fs.String("backend", "cpu", "cpu, gpu or all")
	device := fs.Int("device", 0, "EGL device `K` for the GPU backend ('lifgpu info' lists them); default: chosen automatically")
	ns := fs.String("n", "", "comma-separated population sizes (default: a ladder 10^4 .. 10^7)")
	steps := fs.Int("steps", bench.W1Steps, "steps per measurement")
	modes := fs.String("modes", "run,run+spikes,forward", "comma-separated: "+strings.Join(bench.Modes, ", "))
	methods := fs.String("methods", "euler", "comma-separated: euler, exact")
	reps := fs.Int("reps", 3, "repetitions per measurement (the C reference's too); the fastest counts")
	jsonOut := fs.String("json", "", "write the rows as a JSON array to this file")
	plotOut := fs.String("plot", "", "write a PNG of throughput against N to this file (cuba: the real-time factor against N, both simulators)")
	noBase := fs.Bool("no-baseline", false, "skip the baselines (the C reference, the GPU peers)")
	peersTimeout := fs.Duration("peers-timeout", 0, "stop the GPU peers script after this long (0: no limit); the rows it printed count")
	workload := fs.String("workload", "w1", "w1 (uncoupled neurons, the default), cuba (Vogels & Abbott's network, beside Brian2), network (CUBA at any size and in-degree: -n, -in-degree, -procedural, -warmup, -steps) or microcircuit (Potjans & Diesmann's)")
	inDegree := fs.Int("in-degree", 100, "network: synapses per neuron on average (10^6 neurons x 100 = 10^8 synapses)")
	procedural := fs.Bool("procedural", false, "network: regenerate each spike's targets instead of storing them")
	warmup := fs.Int("warmup", 500, "network: steps run before the timed ones (CUBA's start-up transient)")
	scale := fs.Float64("scale", 0.1, "microcircuit: the populations' scale (1: full, 77,169 neurons)")
	baseDir := fs.String("baselines", "", "folder with "+bench.CRefFile+" and "+bench.PeersFile+" to run instead of the built-in baselines (default: $"+bench.BaselinesEnv+")")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	var dev *int // nil: the automatic choice
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "device" {
			dev = device
		}
	})
	sizes, err := parseSizes(*ns)
	if err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("-steps %d: must be at least 1", *steps)
	}
	if *reps < 1 {
		return fmt.Errorf("-reps %d: must be at least 1", *reps)
	}
	// The files are written after the whole benchmark: a path that cannot take them is
	// refused now, not after minutes of measurement.
	for _, f := range []struct{ flag, path string }{{"-json", *jsonOut}, {"-plot", *plotOut}} {
		if f.path != "" {
			if err := writable(f.path); err != nil {
				return fmt.Errorf("%s %s: %w", f.flag, f.path, err)
			}
		}
	}
	if *backends != "cpu" && *backends != "gpu" && *backends != "all" {
		return fmt.Errorf("-backend %q: must be cpu, gpu or all", *backends)
	}
	// A flag that the workload does not read is refused, not ignored.
	only := map[string][]string{"in-degree": {"network"}, "procedural": {"network"}, "warmup": {"network"},
		"scale": {"microcircuit"}, "plot": {"w1", "cuba", "network"}, "methods": {"w1"}, "modes": {"w1"}, "reps": {"w1"},
		"steps": {"w1", "network"}, "peers-timeout": {"w1"}}
	var stray error
	fs.Visit(func(fl *flag.Flag) {
		if ws, ok := only[fl.Name]; ok && !slices.Contains(ws, *workload) && stray == nil {
			stray = fmt.Errorf("-%s is for -workload %s, not %s", fl.Name, strings.Join(ws, " or "), *workload)
		}
	})
	if stray != nil {
		return stray
	}
	switch *workload {
	case "w1":
	case "cuba":
		return benchCUBA(cubaArgs{ns: *ns, backends: *backends, dev: dev, noBase: *noBase, jsonOut: *jsonOut, plotOut: *plotOut}, stdout, stderr)
	case "network":
		return benchNetwork(netArgs{sizes: sizes, k: *inDegree, procedural: *procedural, warm: *warmup, steps: *steps,
			backends: *backends, dev: dev, jsonOut: *jsonOut, plotOut: *plotOut}, stdout)
	case "microcircuit":
		return benchMicrocircuit(*scale, *backends, dev, *jsonOut, stdout)
	default:
		return fmt.Errorf("-workload %q: must be w1, cuba, network or microcircuit", *workload)
	}
	var backs []string
	switch *backends {
	case "cpu", "gpu":
		backs = []string{*backends}
	case "all":
		backs = []string{"cpu", "gpu"}
	default:
		return fmt.Errorf("-backend %q: must be cpu, gpu or all", *backends)
	}
	modeList := strings.Split(*modes, ",")
	for _, m := range modeList {
		if !contains(bench.Modes, m) {
			return fmt.Errorf("-modes: %q is not one of %s", m, strings.Join(bench.Modes, ", "))
		}
	}
	var methodList []lifgpu.Method
	for _, m := range strings.Split(*methods, ",") {
		if m != string(lifgpu.Euler) && m != string(lifgpu.Exact) {
			return fmt.Errorf("-methods: %q is not euler or exact", m)
		}
		methodList = append(methodList, lifgpu.Method(m))
	}

	fmt.Fprintf(stdout, "workload W1, %d steps, %s, %d CPUs (GOMAXPROCS %d), %s\n", *steps, cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintln(stdout, bench.Header)
	var rows []bench.Row
	emit := func(r bench.Row) {
		rows = append(rows, r)
		fmt.Fprintln(stdout, r)
	}

	// Time to the first step, first of all, so that nothing has made a GL context yet:
	// from process start through context creation and shader compilation to one step
	// of W1 done (the comparison is Brian2's compile-and-run time).
	for _, back := range backs {
		f, err := benchFactory(back, dev)
		if err != nil {
			continue
		}
		n := sizes[0]
		t0 := time.Now()
		pop, err := f(bench.W1(n, false))
		if err == nil {
			err = pop.Run(1)
		}
		if err == nil {
			_, err = pop.Spiked()
		}
		if err != nil {
			return fmt.Errorf("%s first step: %w", back, err)
		}
		r := bench.Row{Name: "lifgpu/" + back + "/first-step", Backend: back, Mode: "first-step", N: n, Steps: 1,
			Seconds: time.Since(processStart).Seconds(), Device: pop.Backend(), Date: time.Now().UTC().Format("2006-01-02")}
		pop.Close()
		emit(r)
		fmt.Fprintf(stdout, "  %s: %.3f s from process start to one step done (%.3f s of it making the population)\n", back, r.Seconds, time.Since(t0).Seconds())
	}

	// Baselines first, so each project row can print its ratio.
	cref := map[string]bench.Row{}
	peers := map[string]bench.Row{}
	// The built-in baselines unless a folder of others is named. A baseline that cannot
	// run here (no gcc, no python3 or GPU) is a row that says why, not a failure.
	dir := *baseDir
	if dir == "" {
		dir = os.Getenv(bench.BaselinesEnv)
	}
	if !*noBase && contains(backs, "cpu") {
		run, done, err := bench.CRef(dir)
		if err != nil {
			emit(bench.Skip("c-ref", err))
		} else {
			defer done()
			for _, n := range sizes {
				for _, mode := range []string{"step", "blocked"} {
					// The fastest of -reps runs, as for the project's own rows.
					var r bench.Row
					for range max(*reps, 1) {
						x, err := run(n, *steps, mode)
						if err != nil {
							return err
						}
						if r.Seconds == 0 || x.Seconds < r.Seconds {
							r = x
						}
					}
					cref[fmt.Sprint(mode, n)] = r
					emit(r)
				}
			}
		}
	}

	if !*noBase && contains(backs, "gpu") {
		prow, _, err := bench.RunPeers(dir, sizes, *peersTimeout)
		if err != nil {
			prow = []bench.Row{bench.Skip("cuda", err), bench.Skip("torch", err)}
		}
		for _, r := range prow {
			if r.Skipped == "" {
				peers[fmt.Sprint(r.Name, r.N)] = r
			}
			emit(r)
		}
	}

	ownRun := map[string]bench.Row{} // the plain run rows, baselines of the random-input rows
	for _, back := range backs {
		f, err := benchFactory(back, dev)
		if err != nil {
			if *backends == "all" {
				fmt.Fprintf(stderr, "lifgpu bench: %s skipped: %v\n", back, err)
				continue
			}
			return err
		}
		for _, n := range sizes {
			for _, method := range methodList {
				for _, mode := range modeList {
					r, err := bench.Measure(f, back, mode, method, n, *steps, *reps)
					if err != nil {
						return fmt.Errorf("%s at n = %d: %w", r.Name, n, err)
					}
					base := "blocked"
					switch mode {
					case bench.ModeForward:
						base = "step"
					case bench.ModeRunNoise, bench.ModeRunPoisson, bench.ModeRunBoth:
						// The cost of random input is the ratio to the plain run beside it.
						if plain, ok := ownRun[fmt.Sprint(back, method, n)]; ok {
							r.Baseline, r.Ratio = plain.Name, r.UpdatesPerS/plain.UpdatesPerS
						}
						emit(r)
						continue
					}
					b, ok := cref[fmt.Sprint(base, n)]
					if back == "gpu" {
						// The fair GPU baseline does the contract's arithmetic: CUDA built
						// with --fmad=false for fused runs, CUDA's single-step kernel for Forward.
						b, ok = peers[fmt.Sprint("cuda-nofma/fused", n)]
						if mode == bench.ModeForward {
							b, ok = peers[fmt.Sprint("cuda/single", n)]
						}
					}
					if ok {
						r.Baseline, r.Ratio = b.Name, r.UpdatesPerS/b.UpdatesPerS
					}
					if mode == bench.ModeRun {
						ownRun[fmt.Sprint(back, method, n)] = r
					}
					emit(r)
				}
			}
		}
	}
	if *jsonOut != "" {
		b, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return err
		}
		if err := batch.WriteFileAtomic(*jsonOut, append(b, '\n')); err != nil {
			return err
		}
	}
	if *plotOut != "" {
		if err := bench.Plot(*plotOut, rows, fmt.Sprintf("W1, %d steps, %s", *steps, time.Now().UTC().Format("2006-01-02"))); err != nil {
			return err
		}
	}
	return nil
}

// writable checks that a file can be written at path: not a folder, in a folder that
// exists and takes a new file.
func writable(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a folder: name a file")
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("its folder %s does not exist", dir)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	f, err := os.CreateTemp(dir, ".lifgpu-bench-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func parseSizes(s string) ([]int, error) {
	if s == "" {
		return []int{10_000, 100_000, 1_000_000, 10_000_000}, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || x < 1 || x > lifgpu.MaxN || x != float64(int(x)) {
			return nil, fmt.Errorf("-n: %q is not a population size in 1..%d", f, lifgpu.MaxN)
		}
		out = append(out, int(x))
	}
	return out, nil
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// cpuModel reads the processor's name, for the table's header.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
