package npy_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/internal/npy"
)

func TestWriteNPZPieces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.npz")
	parts := [][]float64{{1, 2}, {}, {3, 4, 5}}
	v := []float32{1, 2, 3, 4, 5, 6}
	err := npy.WriteNPZPieces(path,
		npy.Pieces{Name: "t", Shape: []int{5}, Like: []float64(nil), Each: func(emit func(any) error) error {
			for _, p := range parts {
				if err := emit(p); err != nil {
					return err
				}
			}
			return nil
		}},
		npy.Pieces{Name: "v", Shape: []int{3, 2}, Like: []float32(nil), Each: func(emit func(any) error) error {
			if err := emit(v[:4]); err != nil {
				return err
			}
			return emit(v[4:])
		}},
		npy.Whole(npy.Array{Name: "c", Data: []uint32{7, 8}}),
	)
	if err != nil {
		t.Fatal(err)
	}
	got, err := npy.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := npy.ReadNPZHeaders(path)
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string][]int{}
	for name, h := range hs {
		shapes[name] = h.Shape
	}
	if !reflect.DeepEqual(shapes, map[string][]int{"t": {5}, "v": {3, 2}, "c": {2}}) {
		t.Errorf("shapes %v", shapes)
	}
	if !reflect.DeepEqual(got["t"].Data, []float64{1, 2, 3, 4, 5}) || !reflect.DeepEqual(got["v"].Data, v) ||
		!reflect.DeepEqual(got["v"].Shape, []int{3, 2}) || !reflect.DeepEqual(got["c"].Data, []uint32{7, 8}) {
		t.Errorf("read back %+v", got)
	}
	// Too few or too many elements, or a piece of another type: an error, and the file
	// that was there is unchanged, with no temporary file left.
	before, _ := os.ReadFile(path)
	for _, c := range []struct {
		p    npy.Pieces
		says string
	}{
		{npy.Pieces{Name: "x", Shape: []int{3}, Like: []int32(nil), Each: func(emit func(any) error) error { return emit([]int32{1}) }}, "needs 3"},
		{npy.Pieces{Name: "x", Shape: []int{1}, Like: []int32(nil), Each: func(emit func(any) error) error { return emit([]int32{1, 2}) }}, "more than"},
		{npy.Pieces{Name: "x", Shape: []int{1}, Like: []int32(nil), Each: func(emit func(any) error) error { return emit([]float32{1}) }}, "a piece of"},
	} {
		err := npy.WriteNPZPieces(path, c.p)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v, want %q", err, c.says)
		}
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("a failed write changed the file")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
}
