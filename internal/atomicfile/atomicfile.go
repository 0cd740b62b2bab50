// Package atomicfile writes files so that they are either complete or absent: into a
// temporary file beside the target, synced, closed and renamed over it. Every file that
// lifgpu writes goes through it, so that a run killed at any moment leaves no
// half-written file.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Write calls write with a buffered writer on a temporary file next to path ("."+name+
// ".tmp*", which a resume clears), then syncs it, makes it 0644, and renames it over
// path. On any error the temporary file is removed and path is left as it was; an
// error of write is returned unchanged.
func Write(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+tmpMark+"*")
	if err != nil {
		return fmt.Errorf("cannot create a temporary file in %s: %w; check that the folder exists and is writable", dir, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// Small writes (headers, zip records) go through a buffer; large data chunks pass
	// straight through bufio to the file.
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("setting permissions of %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing to disk: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("renaming the finished temporary file over it: %w", err)
	}
	// Make the rename durable; not every system can sync a folder.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// tmpMark follows the target's name in a temporary file's: "." + name + tmpMark + a
// random number.
const tmpMark = ".tmp"

// Target reports whether base (a file name without its folder) is the name of a
// temporary file that Write makes, and the name of the file it was to become.
func Target(base string) (string, bool) {
	rest, ok := strings.CutPrefix(base, ".")
	if !ok {
		return "", false
	}
	i := strings.LastIndex(rest, tmpMark)
	if i <= 0 {
		return "", false
	}
	return rest[:i], true
}
