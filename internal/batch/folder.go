package batch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lifgpu/lifgpu/internal/atomicfile"
	"github.com/lifgpu/lifgpu/internal/model"
)

// An output folder belongs to one run at a time, and lifgpu removes or replaces only
// what a lifgpu run wrote there: job.json lists those files (its manifest).
//
// One run at a time: a run holds an advisory lock (flock) on lockName in its folder from
// before it writes anything until it ends; the operating system drops it when the
// process dies, so a killed run's folder can be resumed at once. A new folder is made
// with mkdir, which is atomic: of two runs started together into one new folder, one
// makes it and the other is refused.

// lockName is the lock file a run holds in its folder while it runs.
const lockName = ".lifgpu.lock"

// BusyError refuses a folder that another lifgpu run is using.
type BusyError struct {
	Dir string
	PID int // the other run's process, when its lock file says (0: unknown)
}

func (e *BusyError) Error() string {
	who := "another lifgpu run"
	if e.PID > 0 {
		who = fmt.Sprintf("another lifgpu run (process %d)", e.PID)
	}
	return fmt.Sprintf("%s is using %s: one run per output folder; wait until it ends, or stop it first", who, e.Dir)
}

// ForeignError refuses to replace or remove a file that no lifgpu run wrote.
type ForeignError struct {
	Dir, Name string
	Why       string // how lifgpu knows it is not its own
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("%s holds %s, which no lifgpu run wrote there (%s): lifgpu replaces and removes only its own files; move it away, or choose another folder",
		e.Dir, e.Name, e.Why)
}

// folder is an output folder this process holds: its lock, and whether this run made
// it, and which of its parents (a run that fails before it starts removes them again).
type folder struct {
	dir     string
	lock    *os.File
	created bool
	parents []string // made for it, the nearest first
}

// claim takes dir for a new run. A folder that does not exist is made; one that exists
// is refused unless force (and then only if no other run holds it). The lock is taken
// before anything else is written.
func claim(dir string, force bool) (*folder, error) {
	if dir == "" {
		return nil, errors.New("no output folder given (an empty name)")
	}
	created := true
	parents, err := mkdirParents(dir)
	if err == nil {
		err = os.Mkdir(dir, 0o755)
	}
	if err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		created = false
		st, err := os.Stat(dir)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, &ExistsError{Dir: dir, NotDir: true}
		}
		if !force {
			if pid, busy := heldBy(dir); busy {
				return nil, &BusyError{Dir: dir, PID: pid}
			}
			return nil, &ExistsError{Dir: dir}
		}
	}
	f := &folder{dir: dir, created: created, parents: parents}
	if f.lock, err = lockDir(dir); err != nil {
		if !errors.As(err, new(*BusyError)) {
			f.abandon()
		}
		return nil, err
	}
	return f, nil
}

// mkdirParents makes the missing folders above dir, and returns them, the nearest
// first.
func mkdirParents(dir string) ([]string, error) {
	var missing []string
	for up := filepath.Dir(dir); ; up = filepath.Dir(up) {
		if _, err := os.Stat(up); err == nil || up == filepath.Dir(up) {
			break
		}
		missing = append(missing, up)
	}
	for k := len(missing) - 1; k >= 0; k-- {
		if err := os.Mkdir(missing[k], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return missing, nil
}

// hold takes the lock of dir, an existing run's folder, for a resume.
func hold(dir string) (*folder, error) {
	l, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	return &folder{dir: dir, lock: l}, nil
}

// release removes the lock file, still holding it (a run that opened it meanwhile
// finds it gone and takes a new one: see lockDir), and lets the lock go.
func (f *folder) release() {
	if f == nil || f.lock == nil {
		return
	}
	os.Remove(filepath.Join(f.dir, lockName))
	f.lock.Close()
	f.lock = nil
}

// abandon gives the folder up after a run failed before it wrote its job.json: a
// folder the run made is removed again (it holds nothing but the lock), and the
// parents it made for it, as far as they are empty.
func (f *folder) abandon() {
	f.release()
	if !f.created {
		return
	}
	for _, d := range append([]string{f.dir}, f.parents...) {
		if os.Remove(d) != nil {
			return
		}
	}
}

// The manifest: the names of a run's files in its folder, relative to it, with the
// parts as parts/KIND-NNNNNN.npz (NNNNNN: any number).
const partPattern = "NNNNNN"

// manifest lists what a run of m writes in its folder; plot: with the figures.
func manifest(m *model.Model, state, plot bool) []string {
	files := []string{jobName, checkpointName, "run.json"}
	for _, k := range recordedKinds(m) {
		files = append(files, k+".npz", partsDir+"/"+k+"-"+partPattern+".npz")
		if plot {
			files = append(files, map[string]string{"spikes": "raster.png", "rate": "rate.png", "traces": "traces.png"}[k])
		}
	}
	if state {
		files = append(files, "state.npz")
	}
	return files
}

// anyManifest is what a lifgpu run may have written, for a job.json that does not list
// its files (written before it did).
func anyManifest() []string {
	files := append([]string{jobName, checkpointName, "run.json"}, finalFiles...)
	for _, k := range partKinds {
		files = append(files, partsDir+"/"+k+"-"+partPattern+".npz")
	}
	return files
}

// recordedKinds are the kinds of parts a run of m writes.
func recordedKinds(m *model.Model) []string {
	var kinds []string
	if m.Record.Spikes {
		kinds = append(kinds, "spikes")
	}
	if m.Record.Rate {
		kinds = append(kinds, "rate")
	}
	if len(m.Record.Traces) > 0 {
		kinds = append(kinds, "traces")
	}
	return kinds
}

// owns reports whether name (relative to the folder, with /) is in the manifest
// files, or is the temporary file of one (atomicfile's "."+base+".tmp*").
func owns(files []string, name string) bool {
	dir, base := "", name
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dir, base = name[:i+1], name[i+1:]
	}
	if target, ok := atomicfile.Target(base); ok {
		base = target
	}
	name = dir + base
	for _, f := range files {
		if f == name {
			return true
		}
		if pre, post, ok := strings.Cut(f, partPattern); ok {
			if num, ok := strings.CutPrefix(name, pre); ok {
				if num, ok = strings.CutSuffix(num, post); ok && num != "" && strings.Trim(num, "0123456789") == "" {
					return true
				}
			}
		}
	}
	return false
}

// entries lists the names in dir and in its parts folder, relative to dir.
func entries(dir string) ([]string, error) {
	var names []string
	for _, sub := range []string{"", partsDir + "/"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			names = append(names, sub+e.Name())
		}
	}
	return names, nil
}

// takeOver readies an existing folder (with -f) for a new run that writes plan: a file
// in the way that no lifgpu run wrote (none listed by the folder's job.json, or no
// job.json at all) is refused, untouched; then the earlier run's files are removed,
// and nothing else.
func (f *folder) takeOver(plan []string) error {
	old, why, err := folderManifest(f.dir)
	if err != nil {
		return err
	}
	names, err := entries(f.dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		if name == lockName || name == partsDir || owns(old, name) || !owns(plan, name) {
			continue
		}
		return &ForeignError{Dir: f.dir, Name: name, Why: why}
	}
	return removeOwned(f.dir, old, func(name string) bool { return name != jobName })
}

// folderManifest is the manifest of the lifgpu run whose job.json is in dir: nil (and
// why) when there is none; a job.json that is not lifgpu's is refused.
func folderManifest(dir string) ([]string, string, error) {
	jf, err := readJob(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "the folder has no job.json", nil
	case err != nil:
		return nil, "", &ForeignError{Dir: dir, Name: jobName, Why: fmt.Sprintf("it is not a lifgpu job.json: %v", err)}
	case jf.Files == nil:
		return anyManifest(), "", nil
	}
	return jf.Files, "its job.json does not list it", nil
}

// removeOwned removes the files of dir that files lists (and their temporary files)
// for which remove is true, then the parts folder if that left it empty.
func removeOwned(dir string, files []string, remove func(name string) bool) error {
	names, err := entries(dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		if name == lockName || !owns(files, name) || !remove(name) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if slices.Contains(names, partsDir) {
		os.Remove(filepath.Join(dir, partsDir)) // only if empty: a user's files there stay
	}
	return nil
}
