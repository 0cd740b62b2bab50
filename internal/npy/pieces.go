package npy

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
)

// Pieces is an array of an .npz written from pieces, so that it never has to be in
// memory whole: Shape is the whole array's, Like a (possibly empty) slice of its element
// type, and Each calls emit with the pieces' data in order (each a slice of that type,
// together Shape's product of elements, in C order).
type Pieces struct {
	Name  string
	Shape []int
	Like  any
	Each  func(emit func(data any) error) error
}

// WriteNPZPieces writes arrays given whole or in pieces to the .npz file at path,
// atomically, as WriteNPZ does.
func WriteNPZPieces(path string, arrays ...Pieces) error {
	for i, a := range arrays {
		if a.Name == "" || strings.ContainsAny(a.Name, "/\\") {
			return fmt.Errorf("npy: %s: array %d needs a plain, non-empty Name", path, i)
		}
		if _, _, _, err := info(a.Like); err != nil {
			return fmt.Errorf("npy: %s: array %q: %v", path, a.Name, err)
		}
		if _, err := shapeLen(a.Shape); err != nil {
			return fmt.Errorf("npy: %s: array %q: %v", path, a.Name, err)
		}
	}
	return atomicWrite(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, a := range arrays {
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store})
			if err != nil {
				return fmt.Errorf("npy: adding %q to the archive: %w", a.Name, err)
			}
			dt, _, _, _ := info(a.Like)
			want, _ := shapeLen(a.Shape)
			if _, err := fw.Write(header(dt, a.Shape)); err != nil {
				return err
			}
			got := 0
			err = a.Each(func(data any) error {
				pdt, n, raw, err := info(data)
				if err != nil {
					return err
				}
				if pdt != dt {
					return fmt.Errorf("npy: array %q: a piece of %s in an array of %s", a.Name, pdt.descr, dt.descr)
				}
				if got += n; got > want {
					return fmt.Errorf("npy: array %q: pieces hold more than the %d elements of shape %s", a.Name, want, shapeString(a.Shape))
				}
				return writeData(fw, raw, dt.size)
			})
			if err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("npy: array %q: pieces hold %d elements, shape %s needs %d", a.Name, got, shapeString(a.Shape), want)
			}
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("npy: finishing the archive: %w", err)
		}
		return nil
	})
}

// Whole is a Pieces of one array held in memory.
func Whole(a Array) Pieces {
	shape := a.Shape
	if shape == nil {
		_, n, _, _ := info(a.Data)
		shape = []int{n}
	}
	return Pieces{Name: a.Name, Shape: shape, Like: a.Data, Each: func(emit func(any) error) error { return emit(a.Data) }}
}
