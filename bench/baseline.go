package bench

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The baseline programs, from bench/baseline/, built into every binary that imports
// this package, so that lifgpu bench needs no files beside it.
var (
	//go:embed baseline/cpu_ref.c
	crefSource []byte
	//go:embed baseline/peers_gpu.py
	peersSource []byte
	//go:embed baseline/brian2_cuba.py
	brian2CUBASource []byte
)

// Names of the baseline programs, in bench/baseline/ and in a folder that replaces it.
const (
	CRefFile       = "cpu_ref.c"
	PeersFile      = "peers_gpu.py"
	Brian2CUBAFile = "brian2_cuba.py"
)

// BaselinesEnv names the environment variable that may point lifgpu bench at a folder
// of other baseline programs (CRefFile, PeersFile) instead of the built-in ones.
const BaselinesEnv = "LIFGPU_BASELINES"

// Sentinel errors of the baselines' tools, for a skipped row that says why.
var (
	ErrNoGCC     = errors.New("gcc not found on PATH; install gcc to run the C reference")
	ErrNoPython3 = errors.New("python3 not found on PATH; the GPU peers need python3 with PyTorch and CuPy")
)

// Source returns the baseline program name (CRefFile or PeersFile): from dir when dir
// is not empty, else the copy built into this package.
func Source(dir, name string) ([]byte, error) {
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("bench: baselines folder: %w", err)
		}
		return b, nil
	}
	switch name {
	case CRefFile:
		return crefSource, nil
	case PeersFile:
		return peersSource, nil
	case Brian2CUBAFile:
		return brian2CUBASource, nil
	}
	return nil, fmt.Errorf("bench: no built-in baseline %q (want %s or %s)", name, CRefFile, PeersFile)
}

// writeSource writes the baseline program name (see Source) into a new temporary
// folder and returns its path there and a function that removes the folder.
func writeSource(dir, name string) (string, func(), error) {
	src, err := Source(dir, name)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "lifgpu-baseline")
	if err != nil {
		return "", nil, err
	}
	done := func() { os.RemoveAll(tmp) }
	path := filepath.Join(tmp, name)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		done()
		return "", nil, err
	}
	return path, done, nil
}

// Skip is the row that stands in the table for a baseline that did not run, saying
// why (the first line of err).
func Skip(name string, err error) Row {
	why, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	why = strings.TrimPrefix(why, "bench: ")
	return Row{Name: name, Skipped: why, Date: time.Now().UTC().Format("2006-01-02")}
}
