package npy

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// WriteNPY writes a to the .npy file at path atomically: into a temporary
// file in the same folder, synced, closed and renamed over path. On error
// the temporary file is removed and whatever was at path is unchanged.
func WriteNPY(path string, a Array) error {
	if _, _, _, err := a.check(); err != nil {
		return fmt.Errorf("npy: %s: cannot write %s: %v", path, arrayName(a), err)
	}
	return atomicWrite(path, func(w io.Writer) error {
		return Write(w, a)
	})
}

// WriteNPZ writes arrays to the .npz file at path as an uncompressed zip
// archive with one entry NAME.npy per array, as numpy.savez does; read it
// with numpy.load(path). Entries larger than 4 GiB use zip64. The file is
// written atomically, as by [WriteNPY].
func WriteNPZ(path string, arrays ...Array) error {
	seen := make(map[string]bool, len(arrays))
	for i, a := range arrays {
		switch {
		case a.Name == "":
			return fmt.Errorf("npy: %s: array %d has no Name; give every array of an .npz a unique name", path, i)
		case seen[a.Name]:
			return fmt.Errorf("npy: %s: array name %q is used twice; give every array of an .npz a unique name", path, a.Name)
		case strings.ContainsAny(a.Name, "/\\") || a.Name == "." || a.Name == "..":
			return fmt.Errorf("npy: %s: array name %q contains a path separator or is a dot name; use a plain name such as %q", path, a.Name, "spike_steps")
		}
		seen[a.Name] = true
		if _, _, _, err := a.check(); err != nil {
			return fmt.Errorf("npy: %s: cannot write %s: %v", path, arrayName(a), err)
		}
	}
	return atomicWrite(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, a := range arrays {
			fw, err := zw.CreateHeader(&zip.FileHeader{
				Name:   a.Name + ".npy",
				Method: zip.Store,
			})
			if err != nil {
				return fmt.Errorf("npy: adding %s to the archive: %w", arrayName(a), err)
			}
			if err := Write(fw, a); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("npy: finishing the archive: %w", err)
		}
		return nil
	})
}

// atomicWrite calls write with a temporary file next to path and renames
// it over path when write, sync and close all succeed.
func atomicWrite(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("npy: %s: cannot create a temporary file in %s: %w; check that the folder exists and is writable", path, dir, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// Small writes (headers, zip records) go through a buffer; large
	// data chunks pass straight through bufio to the file.
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("npy: %s: %w", path, unwrapPrefix(err))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("npy: %s: writing: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("npy: %s: setting permissions of %s: %w", path, tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("npy: %s: syncing to disk: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("npy: %s: closing: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("npy: %s: renaming the finished temporary file over it: %w", path, err)
	}
	// Make the rename durable; not all systems can sync a folder.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// prefixed is an error whose message already starts with "npy: ", so it
// can be nested under a path without repeating the prefix.
type prefixed struct{ err error }

func (p prefixed) Error() string { return strings.TrimPrefix(p.err.Error(), "npy: ") }
func (p prefixed) Unwrap() error { return p.err }

// unwrapPrefix drops the leading "npy: " of err's message, keeping err in
// the chain for errors.Is and errors.As.
func unwrapPrefix(err error) error { return prefixed{err} }
