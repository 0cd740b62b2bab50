package batch

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// Factory makes a population with opts: opts.Kind is the backend that
// backend.ChooseFor already resolved (CPU or GPU), opts.GPU.Device the spec's device.
type Factory func(opts backend.Options, cfg lifgpu.Config) (lifgpu.Population, error)

// NewPopulation is the Factory a Job uses when it names none: backend.New.
func NewPopulation(opts backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
	return backend.New(cfg, opts)
}

// backendOptions are the backend options of spec s, its backend not yet resolved.
func backendOptions(s *spec.Spec) backend.Options {
	return backend.Options{Kind: backend.Kind(s.Backend), GPU: gpu.Options{Device: s.Device}}
}

// choose resolves the backend of spec s (backend.ChooseFor).
func choose(s *spec.Spec) (backend.Options, error) {
	opts := backendOptions(s)
	kind, err := backend.ChooseFor(opts)
	opts.Kind = kind
	return opts, err
}

// Job is one batch run.
type Job struct {
	Recipe  Recipe
	Dir     string  // the output folder
	Force   bool    // write into an existing folder
	Plot    bool    // draw raster.png, traces.png, rate.png at the end
	Backend string  // overrides the spec's backend ("" keeps it)
	New     Factory // nil: NewPopulation
	Logger  *slog.Logger
	// Progress, if set, is called after every slice of steps.
	Progress func(done, total int64, elapsed time.Duration)

	// wrap, in tests, stands between the runner and the population (fault injection).
	wrap func(lifgpu.Population) lifgpu.Population
}

// Result is what a finished run produced.
type Result struct {
	N           int
	Steps       int
	Dt          float64
	Spikes      uint64
	MeanRateHz  float64
	Wall        time.Duration // of this session (since a resume, for a resumed run)
	UpdatesPerS float64       // of this session
	ResumedFrom int64         // the checkpoint's step, or 0
	Backend     string
	// DeviceMemory is how the GPU backend's check of device memory before the run went
	// ("skipped (...)" when the driver does not report free memory); "" on the CPU.
	DeviceMemory string
	// Network is the network's summary (nil without one).
	Network *NetworkInfo
	Files   []string
}

// jobFile is job.json.
type jobFile struct {
	Version string `json:"lifgpu_version"`
	Recipe  Recipe `json:"recipe"`
	Hash    string `json:"model_hash"`
	Plot    bool   `json:"plot"`
	Created string `json:"created"`
}

// finalFiles are the files a finished run writes besides run.json.
var finalFiles = []string{"spikes.npz", "rate.npz", "traces.npz", "state.npz", "raster.png", "traces.png", "rate.png"}

const (
	jobName        = "job.json"
	checkpointName = "checkpoint.npz"
	partsDir       = "parts"
)

// Start runs a job from step 0.
func Start(ctx context.Context, j Job) (*Result, error) {
	if j.Backend != "" {
		j.Recipe.Backend = j.Backend
	}
	s, cfg, err := j.Recipe.Spec()
	if err != nil {
		return nil, err
	}
	m, opts, err := j.prepare(s, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkOut(j.Dir, j.Force); err != nil {
		return nil, err
	}
	hash, net := m.Hash(), Network(m, cfg)
	dropSynapses(m)
	// The population first: a backend that cannot start (or a device that does not
	// exist) leaves no folder behind.
	pop, err := j.newPopulation(opts, cfg)
	if err != nil {
		return nil, err
	}
	defer pop.Close()
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		return nil, err
	}
	jf := jobFile{Version: lifgpu.Version, Recipe: j.Recipe, Hash: hex.EncodeToString(hash[:]), Plot: j.Plot,
		Created: time.Now().UTC().Format(time.RFC3339)}
	b, err := json.MarshalIndent(jf, "", "  ")
	if err != nil {
		return nil, err
	}
	// A folder reused with -f may hold an earlier run's files: none may be taken for
	// this run's (a resume would see run.json and think the run complete).
	for _, name := range append([]string{checkpointName, "run.json"}, finalFiles...) {
		if err := os.Remove(filepath.Join(j.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if err := os.RemoveAll(filepath.Join(j.Dir, partsDir)); err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(filepath.Join(j.Dir, jobName), append(b, '\n')); err != nil {
		return nil, err
	}
	r := &runner{job: j, spec: s, model: m, hash: hash, pop: pop, net: net}
	return r.run(ctx)
}

// prepare resolves the model of spec s (cfg) and the backend it runs on, refusing a run
// that would not fit before the network is built: the build of 10^9 synapses takes
// long, and needs the memory the check is about.
func (j Job) prepare(s *spec.Spec, cfg lifgpu.Config) (*model.Model, backend.Options, error) {
	m, err := model.ResolveNeurons(cfg)
	if err != nil {
		return nil, backend.Options{}, err
	}
	opts, err := choose(s)
	if err != nil {
		return nil, opts, err
	}
	if err := Preflight(s, cfg, m, opts.Kind, j.Dir, j.Plot); err != nil {
		return nil, opts, err
	}
	if err := m.Connect(cfg); err != nil {
		return nil, opts, err
	}
	return m, opts, nil
}

// dropSynapses frees the stored synapses of the batch's model once its hash and summary
// are taken: the backend builds its own copy from the Config (a population is made
// from a Config, not a model), and where one copy of 10^9 synapses fits two may not.
// What the runner still reads stays: D (a checkpoint's ring size), the counts.
func dropSynapses(m *model.Model) {
	if m.Net == nil {
		return
	}
	net := *m.Net
	net.RowStart, net.Post, net.Wq, net.Delay, net.Proc = nil, nil, nil, nil, nil
	m.Net = &net
	runtime.GC() // before the backend's build: the garbage would count against it
}

// Override is what a resume may change of the job it continues.
type Override struct {
	// Backend, if not "", overrides the backend it ran on: a checkpoint made on the GPU
	// resumes on the CPU with the same bits, and the reverse.
	Backend string
	// Device, if not nil, overrides the GPU device (the spec's, or the one the job
	// was started with).
	Device *int
}

// Resume continues the job in dir from its last checkpoint (from step 0 when it has
// none), on the backend and device it ran on unless over says otherwise.
func Resume(ctx context.Context, dir string, over Override, f Factory, logger *slog.Logger, progress func(done, total int64, el time.Duration)) (*Result, error) {
	b, err := os.ReadFile(filepath.Join(dir, jobName))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s has no %s: it is not the output folder of a lifgpu run", dir, jobName)
		}
		return nil, err
	}
	var jf jobFile
	if err := json.Unmarshal(b, &jf); err != nil {
		return nil, fmt.Errorf("%s is damaged (%v): the run cannot be remade from it; rerun the spec into a new folder", filepath.Join(dir, jobName), err)
	}
	j := Job{Recipe: jf.Recipe, Dir: dir, Plot: jf.Plot, New: f, Logger: logger, Progress: progress}
	if over.Backend != "" {
		j.Recipe.Backend = over.Backend
	}
	if over.Device != nil {
		j.Recipe.Device = over.Device
	}
	return resume(ctx, j, jf.Hash)
}

func resume(ctx context.Context, j Job, wantHash string) (*Result, error) {
	s, cfg, err := j.Recipe.Spec()
	if err != nil {
		return nil, fmt.Errorf("remaking the spec of %s: %w", j.Dir, err)
	}
	m, opts, err := j.prepare(s, cfg)
	if err != nil {
		return nil, err
	}
	hash, net := m.Hash(), Network(m, cfg)
	dropSynapses(m)
	if got := hex.EncodeToString(hash[:]); got != wantHash {
		return nil, fmt.Errorf("the spec of %s (or a file it reads) changed since the run started: model hash %.12s, the job's is %.12s; rerun it instead of resuming", j.Dir, got, wantHash)
	}
	if _, err := os.Stat(filepath.Join(j.Dir, "run.json")); err == nil {
		// run.json is written last, when every final file is complete: only the removal
		// of the checkpoint and the parts may have been cut short.
		os.Remove(filepath.Join(j.Dir, checkpointName))
		os.RemoveAll(filepath.Join(j.Dir, partsDir))
		return nil, fmt.Errorf("the run in %s is complete (run.json exists): nothing to resume", j.Dir)
	}
	ck, err := readCheckpoint(filepath.Join(j.Dir, checkpointName), m)
	switch {
	case errors.Is(err, os.ErrNotExist):
		ck = &checkpoint{} // killed before its first checkpoint: start again
	case err != nil:
		return nil, err
	case ck.hash != hash:
		return nil, fmt.Errorf("%s was made by another model (hash %x, the job's is %x): rerun instead of resuming", filepath.Join(j.Dir, checkpointName), ck.hash[:6], hash[:6])
	}
	if err := cleanParts(j.Dir, ck.parts); err != nil {
		return nil, err
	}
	pop, err := j.newPopulation(opts, cfg)
	if err != nil {
		return nil, err
	}
	defer pop.Close()
	if ck.state.Step > 0 {
		if err := pop.Restore(ck.state); err != nil {
			return nil, err
		}
	}
	r := &runner{job: j, spec: s, model: m, hash: hash, pop: pop, net: net, parts: ck.parts, resumedFrom: ck.state.Step}
	j.log().Info("resume", "dir", j.Dir, "step", ck.state.Step, "parts", ck.parts, "backend", pop.Backend())
	return r.run(ctx)
}

func (j Job) newPopulation(opts backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
	f := j.New
	if f == nil {
		f = NewPopulation
	}
	pop, err := f(opts, cfg)
	if err != nil {
		return nil, err
	}
	if j.wrap != nil {
		pop = j.wrap(pop)
	}
	return pop, nil
}

func (j Job) log() *slog.Logger {
	if j.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Logger
}

// checkOut refuses an existing output folder without force.
func checkOut(dir string, force bool) error {
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return &ExistsError{Dir: dir, NotDir: true}
	case err == nil && !force:
		return &ExistsError{Dir: dir}
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	}
	return nil
}

// cleanParts removes parts numbered above keep (written after the last checkpoint)
// and temporary files a killed run left.
func cleanParts(dir string, keep int) error {
	for _, d := range []string{dir, filepath.Join(dir, partsDir)} {
		ents, err := os.ReadDir(d)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return err
		}
		for _, e := range ents {
			name := e.Name()
			if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp") {
				os.Remove(filepath.Join(d, name))
				continue
			}
			if d != dir {
				if k, ok := partIndex(name); ok && k > keep {
					if err := os.Remove(filepath.Join(d, name)); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
