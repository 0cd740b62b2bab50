package batch

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/atomicfile"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/regular"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// Factory makes a population with opts: opts.Kind is the backend that
// backend.ChooseFor already resolved (CPU or GPU), opts.GPU.Device the spec's device.
// It is called on a goroutine of its own, so that a run interrupted while the
// population is made (a network of 10^9 synapses takes long) stops at once; the
// population is then closed when it is made.
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
	// Shard is the shard this run simulated (nil for a whole population): N is its
	// neurons, Shard.N the population's.
	Shard *ShardInfo
	Files []string
}

// jobFile is job.json.
type jobFile struct {
	Version string `json:"lifgpu_version"`
	Recipe  Recipe `json:"recipe"`
	Hash    string `json:"model_hash"`
	Plot    bool   `json:"plot"`
	Created string `json:"created"`
	// Files is the manifest: every file the run writes in its folder, relative to it
	// (parts as parts/KIND-NNNNNN.npz). A later run with -f removes these and nothing
	// else; a job.json without it (an older lifgpu's) counts as listing every name
	// lifgpu uses.
	Files []string `json:"files"`
	// Inputs are the files the spec reads, as they were when the run started: a resume
	// whose model differs names those that changed.
	Inputs []inputFile `json:"inputs,omitempty"`
}

// readJob reads the job.json of dir.
func readJob(dir string) (*jobFile, error) {
	b, err := regular.ReadFile(filepath.Join(dir, jobName))
	if err != nil {
		return nil, err
	}
	var jf jobFile
	if err := json.Unmarshal(b, &jf); err != nil {
		return nil, err
	}
	if jf.Version == "" {
		return nil, errors.New("no lifgpu_version")
	}
	return &jf, nil
}

// finalFiles are the files a finished run writes besides run.json.
var finalFiles = []string{"spikes.npz", "rate.npz", "traces.npz", "state.npz", "raster.png", "traces.png", "rate.png"}

const (
	jobName        = "job.json"
	checkpointName = "checkpoint.npz"
	partsDir       = "parts"
)

// Start runs a job from step 0. The output folder is made (or, with Force, taken
// over) and locked before anything is written; see folder.go.
func Start(ctx context.Context, j Job) (*Result, error) {
	if j.Backend != "" {
		j.Recipe.Backend = j.Backend
	}
	s, cfg, err := makeSpec(ctx, j.Recipe, nil)
	if err != nil {
		return nil, err
	}
	cfg, shard, err := j.Recipe.cut(s, cfg)
	if err != nil {
		return nil, err
	}
	out, err := claim(j.Dir, j.Force)
	if err != nil {
		return nil, err
	}
	started := false // job.json is written: the folder is the run's from then on
	defer func() {
		if started {
			out.release()
		} else {
			out.abandon()
		}
	}()
	m, opts, err := j.prepare(ctx, s, cfg, nil)
	if err != nil {
		return nil, err
	}
	files := manifest(m, s.Record.State, j.Plot)
	if !out.created {
		// A folder reused with -f may hold an earlier run's files: none may be taken for
		// this run's (a resume would see run.json and think the run complete), and no
		// file that lifgpu did not write is touched.
		if err := out.takeOver(files); err != nil {
			return nil, err
		}
	}
	hash, net := m.Hash(), Network(m, cfg)
	withdraw := handOver(m, cfg)
	defer withdraw()
	// The population first: a backend that cannot start (or a device that does not
	// exist) leaves no folder behind.
	pop, err := j.newPopulation(ctx, opts, cfg, nil)
	withdraw() // not held through the run when the backend did not take it
	if err != nil {
		return nil, err
	}
	defer pop.Close()
	jf := jobFile{Version: lifgpu.Version, Recipe: j.Recipe, Hash: hex.EncodeToString(hash[:]), Plot: j.Plot,
		Created: time.Now().UTC().Format(time.RFC3339), Files: files, Inputs: inputsOf(s)}
	b, err := json.MarshalIndent(jf, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(filepath.Join(j.Dir, jobName), append(b, '\n')); err != nil {
		return nil, err
	}
	started = true
	r := &runner{job: j, spec: s, model: m, hash: hash, pop: pop, net: net, files: files, shard: shard}
	return r.run(ctx)
}

// makeSpec remakes the spec of recipe r (reading its inputs), abandoned when ctx ends
// (see abortable; at: what is on disk then).
func makeSpec(ctx context.Context, r Recipe, at *InterruptedError) (*spec.Spec, lifgpu.Config, error) {
	type made struct {
		s   *spec.Spec
		cfg lifgpu.Config
	}
	m, err := abortable(ctx, "reading the spec and its inputs", at, func() (made, error) {
		s, cfg, err := r.Spec()
		return made{s, cfg}, err
	}, nil)
	return m.s, m.cfg, err
}

// prepare resolves the model of spec s (cfg) and the backend it runs on, refusing a run
// that would not fit before the network is built: the build of 10^9 synapses takes
// long, and needs the memory the check is about.
func (j Job) prepare(ctx context.Context, s *spec.Spec, cfg lifgpu.Config, at *InterruptedError) (*model.Model, backend.Options, error) {
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
	if cfg.HasNetwork() {
		if _, err := abortable(ctx, "building the network", at, func() (*model.Model, error) { return m, m.Connect(cfg) }, nil); err != nil {
			return nil, opts, err
		}
	}
	return m, opts, nil
}

// handOver hands the stored synapses of the batch's model, once its hash and summary
// are taken, to the backend about to be made from the Config (model.Offer: it would
// otherwise build them again), and drops the batch's own reference: where one copy of
// 10^9 synapses fits, two may not. What the runner still reads stays: D (a
// checkpoint's ring size), the counts. withdraw, once the population is made (or not),
// drops the offer if the backend did not take it.
func handOver(m *model.Model, cfg lifgpu.Config) (withdraw func()) {
	if m.Net == nil {
		return func() {}
	}
	withdraw = model.Offer(cfg, m.Net)
	net := *m.Net
	net.RowStart, net.Post, net.Wq, net.Delay, net.Proc = nil, nil, nil, nil, nil
	m.Net = &net
	return withdraw
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
// none), on the backend and device it ran on unless over says otherwise. It holds the
// folder's lock while it runs: a folder another run is using is refused.
func Resume(ctx context.Context, dir string, over Override, f Factory, logger *slog.Logger, progress func(done, total int64, el time.Duration)) (*Result, error) {
	// job.json first, so that no lock file is made in a folder that is not a run's.
	if _, err := regular.Check(filepath.Join(dir, jobName)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s has no %s: it is not the output folder of a lifgpu run", dir, jobName)
		}
		return nil, err
	}
	out, err := hold(dir)
	if err != nil {
		return nil, err
	}
	defer out.release()
	jf, err := readJob(dir)
	if err != nil {
		return nil, fmt.Errorf("%s is damaged (%v): the run cannot be remade from it; rerun the spec into a new folder", filepath.Join(dir, jobName), err)
	}
	j := Job{Recipe: jf.Recipe, Dir: dir, Plot: jf.Plot, New: f, Logger: logger, Progress: progress}
	// The spec file as it is now, before anything is read or built from it.
	if err := checkSpecFile(jf.Recipe, dir, j.log()); err != nil {
		return nil, err
	}
	if over.Backend != "" {
		j.Recipe.Backend = over.Backend
	}
	if over.Device != nil {
		j.Recipe.Device = over.Device
	}
	files := jf.Files
	if files == nil {
		files = anyManifest()
	}
	return resume(ctx, j, jf, files)
}

func resume(ctx context.Context, j Job, jf *jobFile, files []string) (*Result, error) {
	// Until the population runs, an interruption leaves the folder as it was: a resume
	// starts again from its checkpoint.
	at := &InterruptedError{Dir: j.Dir}
	s, cfg, err := makeSpec(ctx, j.Recipe, at)
	if errors.Is(err, ErrInterrupted) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("remaking the spec of %s: %w", j.Dir, err)
	}
	at.Total = int64(s.Steps)
	cfg, shard, err := j.Recipe.cut(s, cfg)
	if err != nil {
		return nil, err
	}
	m, opts, err := j.prepare(ctx, s, cfg, at)
	if err != nil {
		return nil, err
	}
	hash, net := m.Hash(), Network(m, cfg)
	withdraw := handOver(m, cfg)
	defer withdraw()
	if got := hex.EncodeToString(hash[:]); got != jf.Hash {
		what := fmt.Sprintf("the spec of %s (or a file it reads) changed since the run started", j.Dir)
		if ch := changedInputs(jf.Inputs); len(ch) > 0 {
			what = "a file the spec reads changed since the run started: " + strings.Join(ch, "; ")
		}
		return nil, fmt.Errorf("%s (model hash %.12s, the job's %.12s): a resume would mix two models; restore it to resume, or rerun the spec into a new folder", what, got, jf.Hash)
	}
	if _, err := os.Stat(filepath.Join(j.Dir, "run.json")); err == nil {
		// run.json is written last, when every final file is complete: only the removal
		// of the checkpoint and the parts may have been cut short.
		removeOwned(j.Dir, files, isTransient)
		return nil, fmt.Errorf("the run in %s is complete (run.json exists): nothing to resume", j.Dir)
	}
	mem, _ := memoryAvailable()
	ck, err := abortable(ctx, "reading the checkpoint", at, func() (*checkpoint, error) {
		return readCheckpoint(filepath.Join(j.Dir, checkpointName), m, int64(s.Steps), mem.Avail)
	}, nil)
	switch {
	case errors.Is(err, ErrInterrupted):
		return nil, err
	case errors.Is(err, os.ErrNotExist):
		ck = &checkpoint{} // killed before its first checkpoint: start again
	case err != nil:
		return nil, err
	case ck.hash != hash:
		return nil, fmt.Errorf("%s was made by another model (hash %x, the job's is %x): rerun instead of resuming", filepath.Join(j.Dir, checkpointName), ck.hash[:6], hash[:6])
	}
	// Every part the checkpoint names must be there as it was written, before any
	// simulation: the recordings of those steps cannot be made again.
	at.Step = ck.state.Step
	if err := verifyParts(ctx, j.Dir, ck.parts); err != nil {
		if ctx.Err() != nil {
			at.While = "verifying the parts"
			return nil, at
		}
		return nil, err
	}
	if err := cleanParts(j.Dir, files, len(ck.parts)); err != nil {
		return nil, err
	}
	pop, err := j.newPopulation(ctx, opts, cfg, at)
	withdraw()
	if err != nil {
		return nil, err
	}
	defer pop.Close()
	if ck.state.Step > 0 {
		if err := pop.Restore(ck.state); err != nil {
			return nil, err
		}
	}
	r := &runner{job: j, spec: s, model: m, hash: hash, pop: pop, net: net, files: files, parts: ck.parts, resumedFrom: ck.state.Step, shard: shard}
	j.log().Info("resume", "dir", j.Dir, "step", ck.state.Step, "parts", len(ck.parts), "backend", pop.Backend())
	return r.run(ctx)
}

// newPopulation makes the job's population; ctx abandons it (see abortable), closing
// it once made.
func (j Job) newPopulation(ctx context.Context, opts backend.Options, cfg lifgpu.Config, at *InterruptedError) (lifgpu.Population, error) {
	f := j.New
	if f == nil {
		f = NewPopulation
	}
	pop, err := abortable(ctx, "making the population", at, func() (lifgpu.Population, error) { return f(opts, cfg) },
		func(p lifgpu.Population) { p.Close() })
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

// isTransient reports whether name is one of what a run keeps only while it runs: the
// checkpoint, the parts, and temporary files.
func isTransient(name string) bool {
	_, tmp := atomicfile.Target(name[strings.LastIndexByte(name, '/')+1:])
	return name == checkpointName || strings.HasPrefix(name, partsDir+"/") || tmp
}

// cleanParts removes the parts numbered above keep (written after the last
// checkpoint) and the temporary files a killed run left: of the run's own files only.
func cleanParts(dir string, files []string, keep int) error {
	return removeOwned(dir, files, func(name string) bool {
		base := name[strings.LastIndexByte(name, '/')+1:]
		if _, tmp := atomicfile.Target(base); tmp {
			return true
		}
		k, ok := partIndex(base)
		return strings.HasPrefix(name, partsDir+"/") && ok && k > keep
	})
}
