package npy

import (
	"archive/zip"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/lifgpu/lifgpu/internal/atomicfile"
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
	return writeNPZ(path, nil, arrays)
}

// WriteNPZSum is [WriteNPZ] that also returns the SHA-256 of the file's bytes, summed
// as they are written: a reader can later tell that the file is the one written.
func WriteNPZSum(path string, arrays ...Array) ([sha256.Size]byte, error) {
	h := sha256.New()
	var sum [sha256.Size]byte
	if err := writeNPZ(path, h, arrays); err != nil {
		return sum, err
	}
	h.Sum(sum[:0])
	return sum, nil
}

// writeNPZ writes the .npz; h, if not nil, sees every byte of the file.
func writeNPZ(path string, h hash.Hash, arrays []Array) error {
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
		if h != nil {
			w = io.MultiWriter(w, h)
		}
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

// atomicWrite writes path through atomicfile.Write, with this package's error prefix.
func atomicWrite(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("npy: %s: %w", path, unwrapPrefix(err))
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
