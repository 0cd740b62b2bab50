// Command lifgpu runs large populations of leaky integrate-and-fire neurons in batch.
//
// Usage:
//
//	lifgpu run [-config spec.toml] [-o DIR] [-f] [-n N] [-steps S] [-seed S] [-backend auto|cpu|gpu] [-device K] [-plot] [-log text|json]
//	lifgpu run -resume DIR [-backend auto|cpu|gpu] [-device K]
//	lifgpu run ... [-shard k/m | -devices all|K,K,... | -replicas r]
//	lifgpu merge -o OUT [-f] SHARD_DIR...
//	lifgpu slurm [-config spec.toml] -o DIR [-shards m] [-replicas r] [-partition P] [-time T] [-gpus-per-task G] [-submit]
//	lifgpu validate [-o DIR] [-plot] spec.toml
//	lifgpu check [-config spec.toml] [-n N] [-steps S] [-device K]
//	lifgpu view [-config spec.toml] [-n N] [-seed S] [-steps-per-frame K] [-frames N] [-screenshot FILE]
//	lifgpu info
//	lifgpu bench [-workload w1|cuba|network|microcircuit] [-backend cpu|gpu|all] [-device K] [-n N,N] [-steps S] [-json FILE] [-plot FILE] [-no-baseline] ...
//	lifgpu version
//
// Without -config, run uses a built-in spec: 100,000 neurons with heterogeneous bias for
// one second of model time. Outputs go to ./lifgpu-out unless -o says otherwise.
//
// view opens a window that draws the population as it runs on the GPU backend (it
// needs a build with -tags 'egl glfw': make view; see internal/view).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/batch"
)

// processStart is when the program started, for the time to the first step.
var processStart = time.Now()

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks an error already explained by the flag package.
var errUsage = errors.New("usage")

// Main runs the command with args and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(args[1:], stdout, stderr)
	case "check":
		err = cmdCheck(args[1:], stdout, stderr)
	case "merge":
		err = cmdMerge(args[1:], stdout, stderr)
	case "slurm":
		err = cmdSlurm(args[1:], stdout, stderr)
	case "view":
		err = cmdView(args[1:], stdout, stderr)
	case "info":
		err = cmdInfo(args[1:], stdout, stderr)
	case "bench":
		err = cmdBench(args[1:], stdout, stderr)
	case "validate":
		err = cmdValidate(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "lifgpu %s (%s, %s/%s)\n", lifgpu.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	case "help", "-h", "-help", "--help":
		usage(stdout)
	default:
		fmt.Fprintf(stderr, "lifgpu: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		return 2
	}
	msg := strings.TrimPrefix(strings.ReplaceAll(err.Error(), ": lifgpu: ", ": "), "lifgpu: ")
	fmt.Fprintln(stderr, "lifgpu:", msg+hint(err))
	if isInterrupted(err) {
		return exitInterrupted
	}
	return 1
}

// hint is what to type next, for the errors of a batch run that have a flag for it (the
// library's messages name no flags).
func hint(err error) string {
	var (
		full   *batch.DiskFullError
		exists *batch.ExistsError
		intr   *batch.InterruptedError
		fault  *batch.FaultError
		res    *batch.ResourceError
		dev    *gpu.DeviceError
	)
	switch {
	case errors.As(err, &full):
		return "; free some space (or choose a larger disk for the next run), then resume with: lifgpu run -resume " + full.Dir
	case errors.As(err, &dev):
		return "; 'lifgpu info' lists them"
	case errors.As(err, &exists) && exists.NotDir:
		return ": choose another with -o"
	case errors.As(err, &exists):
		return fmt.Sprintf(": use -f to write into it, -resume %s to continue its run, or -o to choose another", exists.Dir)
	case errors.As(err, &intr) && intr.Err == nil && intr.Dir != "":
		return "; resume with: lifgpu run -resume " + intr.Dir
	case errors.As(err, &fault):
		h := "; resume with: lifgpu run -resume " + fault.Dir
		if !errors.Is(err, lifgpu.ErrClosed) {
			h += " (add -backend cpu to finish on the CPU: the results are the same bits)"
		}
		return h
	case errors.As(err, &res) && res.Resource == "disk":
		return " with -o"
	case errors.As(err, &res) && strings.Contains(res.Detail, "built-in spec"):
		return " (-n, or a spec file with -config)"
	}
	return ""
}

func usage(w io.Writer) {
	fmt.Fprint(w, `lifgpu simulates large populations of leaky integrate-and-fire neurons.

Commands:
  run       run a spec (the built-in default without -config) and write its outputs
            (-shard k/m: one shard of its neurons; -devices all: every GPU at once; -replicas r)
  merge     join the folders of a spec's shards into the files of the whole run
  slurm     write (and -submit) a Slurm job array of a spec's shards and the job that merges them
  validate  check a spec file without running it
  check     run a spec on both backends and compare them bit for bit
  view      watch a spec run on the GPU backend in a window (a build with -tags 'egl glfw': make view)
  info      print the EGL devices, the GL device auto picks, its limits, and the CPU kernels
  bench     measure speed beside the baselines: W1 (uncoupled), CUBA beside Brian2, networks, the microcircuit
  version   print the version

Run 'lifgpu run -h' for the flags of run.
`)
}
