package npy_test

import (
	"bytes"
	"io"
	"reflect"
	"testing"

	"github.com/lifgpu/lifgpu/internal/npy"
)

func FuzzRead(f *testing.F) {
	for _, a := range samples() {
		var buf bytes.Buffer
		if err := npy.Write(&buf, a); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	hdr := "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
	for _, dict := range []string{
		hdr,
		"{'descr': '>f8', 'fortran_order': False, 'shape': (1, 1), }",
		"{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }",
		"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
		"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }",
		"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
		"{'descr': '<f4', 'fortran_order': False, 'shape': (2,",
		"{'descr': '<f4\\'",
		"{",
		"",
	} {
		f.Add(npyFile(1, dict, le32(1, 2)))
		f.Add(npyFile(2, dict, le32(1, 2)))
	}
	f.Add([]byte("\x93NUMPY\x01\x00\xff\xff"))
	f.Add([]byte("\x93NUMPY\x03\x00\xff\xff\xff\x7f{"))
	f.Add([]byte("not npy"))

	f.Fuzz(func(t *testing.T, file []byte) {
		a, err := npy.Read(bytes.NewReader(file))
		b, err2 := npy.Read(io.MultiReader(bytes.NewReader(file)))
		if (err == nil) != (err2 == nil) {
			t.Fatalf("known-length reader: %v; plain reader: %v", err, err2)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(a.Shape, b.Shape) {
			t.Fatalf("shapes differ: %v and %v", a.Shape, b.Shape)
		}
		// What was read writes back and reads again identically.
		var buf bytes.Buffer
		if err := npy.Write(&buf, a); err != nil {
			t.Fatalf("writing back %v: %v", a.Shape, err)
		}
		c, err := npy.Read(&buf)
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if !reflect.DeepEqual(a.Shape, c.Shape) || !bytes.Equal(raw(t, a.Data), raw(t, c.Data)) {
			t.Fatalf("round trip changed %v %v to %v %v", a.Shape, a.Data, c.Shape, c.Data)
		}
	})
}

func raw(t *testing.T, data any) []byte { return bits(t, data) }
