package npy

import (
	"archive/zip"
	"fmt"
	"strings"
)

// ReadNPZ reads every array of the .npz file at path (as written by WriteNPZ or
// numpy.savez), keyed by name (the entry name without .npy).
func ReadNPZ(path string) (map[string]Array, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	defer zr.Close()
	out := make(map[string]Array, len(zr.File))
	for _, f := range zr.File {
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			return nil, fmt.Errorf("npy: %s: entry %q is not an .npy array", path, f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npy: %s: %s: %w", path, f.Name, err)
		}
		a, err := read(rc, path+":"+f.Name, int64(f.UncompressedSize64))
		rc.Close()
		if err != nil {
			return nil, err
		}
		a.Name = name
		out[name] = a
	}
	return out, nil
}

// ReadNPZShapes reads only the headers of the .npz file at path: the shape of every
// array, keyed by name. It reads a few hundred bytes an array, whatever their size.
func ReadNPZShapes(path string) (map[string][]int, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	defer zr.Close()
	out := make(map[string][]int, len(zr.File))
	for _, f := range zr.File {
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			return nil, fmt.Errorf("npy: %s: entry %q is not an .npy array", path, f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npy: %s: %s: %w", path, f.Name, err)
		}
		ah, err := readHeader(rc, path+":"+f.Name, int64(f.UncompressedSize64))
		rc.Close()
		if err != nil {
			return nil, err
		}
		out[name] = ah.h.shape
	}
	return out, nil
}
