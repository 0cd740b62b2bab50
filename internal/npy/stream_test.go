package npy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/internal/npy"
)

func TestStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	t64 := make([]float64, 1000)
	ids := make([]int32, 1000)
	for k := range t64 {
		t64[k], ids[k] = float64(k)*0.1, int32(3*k)
	}
	if err := npy.WriteNPZ(path, npy.Array{Name: "t", Data: t64}, npy.Array{Name: "i", Data: ids},
		npy.Array{Name: "none", Data: []uint32{}}); err != nil {
		t.Fatal(err)
	}
	s, err := npy.OpenStream(path, "i")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Type() != "int32" || !slices.Equal(s.Shape, []int{1000}) {
		t.Fatalf("type %s shape %v", s.Type(), s.Shape)
	}
	if _, err := s.Read(make([]float64, 3)); err == nil {
		t.Error("read int32 into []float64: no error")
	}
	var got []int32
	buf := make([]int32, 7)
	for s.Left() > 0 {
		k, err := s.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:k]...)
	}
	if !slices.Equal(got, ids) {
		t.Fatal("the stream read other values")
	}
	if k, err := s.Read(buf); k != 0 || err != nil {
		t.Errorf("read past the end: %d, %v", k, err)
	}
	if e, err := npy.OpenStream(path, "none"); err != nil || e.Left() != 0 {
		t.Errorf("empty array: %v", err)
	} else {
		e.Close()
	}
	if _, err := npy.OpenStream(path, "v"); err == nil || !strings.Contains(err.Error(), `no array "v"`) {
		t.Errorf("missing array: %v", err)
	}
	// A flipped bit in the data of t is found when t has been read through.
	b, _ := os.ReadFile(path)
	b[200] ^= 1
	bad := filepath.Join(t.TempDir(), "bad.npz")
	os.WriteFile(bad, b, 0o644)
	s2, err := npy.OpenStream(bad, "t")
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	f := make([]float64, 1000)
	if _, err := s2.Read(f); err == nil || !strings.Contains(err.Error(), "CRC-32") {
		t.Errorf("damaged data: err = %v, want a CRC-32 mismatch", err)
	}
}
