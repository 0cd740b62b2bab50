package batch

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lifgpu/lifgpu/internal/regular"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// A resume runs the spec its run started with (job.json keeps its text) and refuses
// when the spec file or a file it reads changed since: the results would mix two specs.

// inputFile is a file the spec reads, as it was when the run started.
type inputFile struct {
	Key      string    `json:"key"`  // the spec's key that names it: input.bias
	Path     string    `json:"path"` // resolved against the spec's folder
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified"`
}

// inputsOf lists the files s reads, with their sizes and times now.
func inputsOf(s *spec.Spec) []inputFile {
	var out []inputFile
	for _, f := range s.Files() {
		in := inputFile{Key: f.Key, Path: f.Path}
		if st, err := os.Stat(f.Path); err == nil {
			in.Size, in.Modified = st.Size(), st.ModTime().UTC()
		}
		out = append(out, in)
	}
	return out
}

// changedInputs names the inputs whose size or modification time differs from when the
// run started, or that are gone.
func changedInputs(was []inputFile) []string {
	var out []string
	for _, in := range was {
		st, err := os.Stat(in.Path)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("%s (%s) is gone", in.Path, in.Key))
		case st.Size() != in.Size || !st.ModTime().UTC().Equal(in.Modified):
			out = append(out, fmt.Sprintf("%s (%s) was modified %s", in.Path, in.Key, st.ModTime().UTC().Format(time.RFC3339)))
		}
	}
	return out
}

// specFile is where recipe r's spec file is: its folder and its name.
func specFile(r Recipe) string {
	return filepath.Join(r.Dir, filepath.Base(r.File))
}

// checkSpecFile compares the spec file of recipe r, as it is now, with the text the
// run started with: a key that differs refuses the resume, naming every change. A spec
// file that is gone is no change (job.json keeps the text); comments, spacing and the
// order of keys do not count.
func checkSpecFile(r Recipe, dir string, log *slog.Logger) error {
	if r.File == "" {
		return nil // a built-in spec
	}
	path := specFile(r)
	text, err := regular.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		log.Warn("the spec file is gone; the resume runs the copy in job.json", "spec", path)
		return nil
	case err != nil:
		return err
	case string(text) == r.Text:
		return nil
	}
	changes, err := spec.Diff([]byte(r.Text), text)
	if err != nil {
		return fmt.Errorf("the spec %s changed since the run in %s started, and no longer parses (%v): a resume would mix two specs; restore the spec to resume, or rerun it into a new folder", path, dir, err)
	}
	if len(changes) == 0 {
		return nil // comments or spacing
	}
	if len(changes) > 8 {
		changes = append(changes[:8], fmt.Sprintf("and %d more", len(changes)-8))
	}
	return fmt.Errorf("the spec %s changed since the run in %s started (%s): a resume would mix two specs; restore the spec to resume, or rerun it into a new folder",
		path, dir, strings.Join(changes, "; "))
}
