package npy_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/internal/npy"
	npyio "github.com/sbinet/npyio/npy"
	"github.com/sbinet/npyio/npz"
)

// sample returns arrays of every supported dtype, with edge values, in
// several shapes.
func samples() []npy.Array {
	nan32 := math.Float32frombits(0x7fc00001) // a NaN with a payload
	return []npy.Array{
		{Name: "f4", Data: []float32{0, float32(math.Copysign(0, -1)), 1.5, -2.25, float32(math.Inf(1)), float32(math.Inf(-1)), nan32, math.MaxFloat32, math.SmallestNonzeroFloat32}},
		{Name: "f8", Data: []float64{0, math.Copysign(0, -1), math.Pi, math.Inf(-1), math.Float64frombits(0x7ff8000000000123), math.MaxFloat64, 5e-324}},
		{Name: "i4", Data: []int32{0, 1, -1, math.MaxInt32, math.MinInt32}},
		{Name: "u4", Data: []uint32{0, 1, math.MaxUint32, 0xdeadbeef}},
		{Name: "i8", Data: []int64{0, -1, math.MaxInt64, math.MinInt64, 1 << 53}},
		{Name: "u1", Data: []uint8{0, 1, 127, 128, 255}},
		{Name: "f4_2d", Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}},
		{Name: "i8_3d", Shape: []int{2, 1, 2}, Data: []int64{1, 2, 3, 4}},
		{Name: "u1_2d", Shape: []int{3, 2}, Data: []uint8{1, 2, 3, 4, 5, 6}},
		{Name: "scalar", Shape: []int{}, Data: []float64{42}},
		{Name: "empty", Data: []int32{}},
		{Name: "empty_2d", Shape: []int{0, 5}, Data: []float32{}},
	}
}

// bits returns the data of a as bytes in host order, so that NaN payloads
// and negative zeros compare exactly.
func bits(t *testing.T, data any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := binary.Write(&b, binary.LittleEndian, data); err != nil {
		t.Fatalf("binary.Write(%T): %v", data, err)
	}
	return b.Bytes()
}

func sameArray(t *testing.T, got, want npy.Array) {
	t.Helper()
	wantShape := want.Shape
	if wantShape == nil {
		wantShape = []int{reflect.ValueOf(want.Data).Len()}
	}
	if !reflect.DeepEqual(got.Shape, wantShape) {
		t.Errorf("%s: shape %v, want %v", want.Name, got.Shape, wantShape)
	}
	if reflect.TypeOf(got.Data) != reflect.TypeOf(want.Data) {
		t.Fatalf("%s: data type %T, want %T", want.Name, got.Data, want.Data)
	}
	if !bytes.Equal(bits(t, got.Data), bits(t, want.Data)) {
		t.Errorf("%s: data %v, want %v", want.Name, got.Data, want.Data)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, a := range samples() {
		t.Run(a.Name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := npy.Write(&buf, a); err != nil {
				t.Fatal(err)
			}
			// Through a plain io.Reader (growing allocation) ...
			got, err := npy.Read(io.MultiReader(bytes.NewReader(buf.Bytes())))
			if err != nil {
				t.Fatal(err)
			}
			sameArray(t, got, a)
			// ... through a reader of known length ...
			got, err = npy.Read(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			sameArray(t, got, a)
			// ... and through a file.
			path := filepath.Join(t.TempDir(), a.Name+".npy")
			if err := npy.WriteNPY(path, a); err != nil {
				t.Fatal(err)
			}
			got, err = npy.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sameArray(t, got, a)
			onDisk, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(onDisk, buf.Bytes()) {
				t.Errorf("WriteNPY wrote different bytes than Write")
			}
		})
	}
}

func TestReadLargeThroughPlainReader(t *testing.T) {
	t.Parallel()
	// More than the first allocation chunk (16 MiB), so the buffer grows.
	n := 5<<20 + 3
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(i)
	}
	var buf bytes.Buffer
	if err := npy.Write(&buf, npy.Array{Data: data}); err != nil {
		t.Fatal(err)
	}
	got, err := npy.Read(io.MultiReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	g := got.Data.([]float32)
	if len(g) != n || g[n-1] != float32(n-1) || g[1<<22] != float32(1<<22) {
		t.Errorf("read back %d elements, last %v", len(g), g[len(g)-1])
	}
}

func TestHeaderAligned(t *testing.T) {
	t.Parallel()
	shapes := [][]int{nil, {}, {7}, {123456789}, {2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}}
	for _, shape := range shapes {
		n := 1
		for _, d := range shape {
			n *= d
		}
		if shape == nil {
			n = 10
		}
		if n > 1<<20 {
			shape = append([]int{0}, shape...)
			n = 0
		}
		var buf bytes.Buffer
		if err := npy.Write(&buf, npy.Array{Shape: shape, Data: make([]uint8, n)}); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if string(b[:8]) != "\x93NUMPY\x01\x00" {
			t.Fatalf("shape %v: starts with %q", shape, b[:8])
		}
		hlen := int(binary.LittleEndian.Uint16(b[8:]))
		start := 10 + hlen
		if start%64 != 0 {
			t.Errorf("shape %v: data starts at %d, not a multiple of 64", shape, start)
		}
		if b[start-1] != '\n' {
			t.Errorf("shape %v: header does not end with a newline: %q", shape, b[10:start])
		}
		if len(b)-start != n {
			t.Errorf("shape %v: %d data bytes, want %d", shape, len(b)-start, n)
		}
	}
	var buf bytes.Buffer
	npy.Write(&buf, npy.Array{Data: []float32{1, 2, 3}})
	want := "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
	if h := buf.String()[10:]; !strings.HasPrefix(h, want) {
		t.Errorf("header %q, want it to start with %q", h, want)
	}
}

// TestNPYIOReadsOurs checks our writer against an independent reader.
func TestNPYIOReadsOurs(t *testing.T) {
	t.Parallel()
	for _, a := range samples() {
		if len(a.Shape) == 0 && a.Shape != nil {
			continue // npyio does not read 0-d arrays into slices
		}
		var buf bytes.Buffer
		if err := npy.Write(&buf, a); err != nil {
			t.Fatal(err)
		}
		ptr := reflect.New(reflect.TypeOf(a.Data))
		if err := npyio.Read(bytes.NewReader(buf.Bytes()), ptr.Interface()); err != nil {
			t.Errorf("%s: npyio: %v", a.Name, err)
			continue
		}
		if got := ptr.Elem().Interface(); !bytes.Equal(bits(t, got), bits(t, a.Data)) {
			t.Errorf("%s: npyio read %v, want %v", a.Name, got, a.Data)
		}
	}
}

// TestReadNPYIOFiles checks our reader against an independent writer,
// whose headers are not padded to 64 bytes.
func TestReadNPYIOFiles(t *testing.T) {
	t.Parallel()
	for _, a := range samples() {
		if a.Shape != nil {
			continue
		}
		var buf bytes.Buffer
		if err := npyio.Write(&buf, a.Data); err != nil {
			t.Fatalf("%s: npyio: %v", a.Name, err)
		}
		got, err := npy.Read(&buf)
		if err != nil {
			t.Errorf("%s: %v", a.Name, err)
			continue
		}
		sameArray(t, got, a)
	}
}

func TestWriteNPZ(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.npz")
	arrays := samples()
	if err := npy.WriteNPZ(path, arrays...); err != nil {
		t.Fatal(err)
	}
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	keys := r.Keys()
	if len(keys) != len(arrays) {
		t.Fatalf("archive has entries %v, want %d", keys, len(arrays))
	}
	for i, a := range arrays {
		if keys[i] != a.Name+".npy" {
			t.Errorf("entry %d is %q, want %q", i, keys[i], a.Name+".npy")
		}
		if len(a.Shape) == 0 && a.Shape != nil {
			continue
		}
		h := r.Header(a.Name + ".npy")
		if h == nil {
			t.Fatalf("%s: no header", a.Name)
		}
		wantShape := a.Shape
		if wantShape == nil {
			wantShape = []int{reflect.ValueOf(a.Data).Len()}
		}
		if !reflect.DeepEqual(h.Descr.Shape, wantShape) || h.Descr.Fortran {
			t.Errorf("%s: npyio header %v, want shape %v", a.Name, h, wantShape)
		}
		ptr := reflect.New(reflect.TypeOf(a.Data))
		if err := r.Read(a.Name+".npy", ptr.Interface()); err != nil {
			t.Errorf("%s: npyio: %v", a.Name, err)
			continue
		}
		if got := ptr.Elem().Interface(); !bytes.Equal(bits(t, got), bits(t, a.Data)) {
			t.Errorf("%s: npyio read %v, want %v", a.Name, got, a.Data)
		}
	}
}

// listDir returns the names in dir.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestAtomicWrite(t *testing.T) {
	t.Parallel()
	good := npy.Array{Name: "a", Data: []float32{1, 2, 3}}
	bad := npy.Array{Name: "b", Shape: []int{2, 2}, Data: []float32{1, 2, 3}}
	writers := map[string]func(path string, a npy.Array) error{
		"npy": npy.WriteNPY,
		"npz": func(path string, a npy.Array) error {
			return npy.WriteNPZ(path, npy.Array{Name: "first", Data: []uint8{1}}, a)
		},
	}
	for name, write := range writers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "out."+name)

			// A failed write leaves nothing.
			err := write(path, bad)
			if err == nil {
				t.Fatal("mismatched shape: no error")
			}
			if !strings.HasPrefix(err.Error(), "npy: ") || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "(2, 2)") {
				t.Errorf("error %q should start with npy:, name the file and the shape", err)
			}
			if names := listDir(t, dir); len(names) != 0 {
				t.Errorf("failed write left %v", names)
			}

			// A failed write over an existing file leaves it unchanged.
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := write(path, bad); err == nil {
				t.Fatal("mismatched shape: no error")
			}
			if b, _ := os.ReadFile(path); string(b) != "old" {
				t.Errorf("failed write changed the existing file to %q", b)
			}
			if names := listDir(t, dir); len(names) != 1 {
				t.Errorf("failed write left %v", names)
			}

			// A good write replaces it and leaves no temporary file.
			if err := write(path, good); err != nil {
				t.Fatal(err)
			}
			if names := listDir(t, dir); len(names) != 1 || names[0] != "out."+name {
				t.Errorf("folder holds %v, want only out.%s", names, name)
			}
			if b, _ := os.ReadFile(path); string(b) == "old" {
				t.Errorf("good write did not replace the file")
			}
		})
	}
}

// TestAtomicWriteNoFolder writes into a folder that does not exist.
func TestAtomicWriteNoFolder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing", "out.npy")
	err := npy.WriteNPY(path, npy.Array{Data: []int32{1}})
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("error %v, want one naming the missing folder", err)
	}
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil data", npy.Write(io.Discard, npy.Array{}), "nil"},
		{"bad type", npy.Write(io.Discard, npy.Array{Data: []int16{1}}), "[]int16"},
		{"negative", npy.Write(io.Discard, npy.Array{Shape: []int{-1}, Data: []uint8{}}), "negative"},
		{"overflow", npy.Write(io.Discard, npy.Array{Shape: []int{1 << 40, 1 << 40}, Data: []uint8{}}), "int"},
		{"too many dims", npy.Write(io.Discard, npy.Array{Shape: make([]int, 65), Data: []uint8{}}), "65 dimensions"},
		{"npz no name", npy.WriteNPZ(filepath.Join(dir, "x.npz"), npy.Array{Data: []uint8{1}}), "no Name"},
		{"npz dup", npy.WriteNPZ(filepath.Join(dir, "x.npz"), npy.Array{Name: "a", Data: []uint8{1}}, npy.Array{Name: "a", Data: []uint8{1}}), "twice"},
		{"npz slash", npy.WriteNPZ(filepath.Join(dir, "x.npz"), npy.Array{Name: "a/b", Data: []uint8{1}}), "separator"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.HasPrefix(tt.err.Error(), "npy: ") || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one starting with npy: and containing %q", tt.name, tt.err, tt.want)
		}
	}
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("failed writes left %v", names)
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, fmt.Errorf("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteReportsWriterError(t *testing.T) {
	t.Parallel()
	err := npy.Write(&failWriter{n: 100}, npy.Array{Name: "v", Data: make([]float64, 1000)})
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), `"v"`) {
		t.Errorf("error %v, want one naming the array and the cause", err)
	}
}

// npyFile builds an .npy file by hand: version, header dict (padded with a
// newline only) and data.
func npyFile(major byte, dict string, data []byte) []byte {
	b := []byte("\x93NUMPY")
	b = append(b, major, 0)
	dict += "\n"
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	b = append(b, dict...)
	return append(b, data...)
}

func le32(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

func TestReadVariants(t *testing.T) {
	t.Parallel()
	one := math.Float32bits(1)
	two := math.Float32bits(2)
	tests := []struct {
		name  string
		file  []byte
		shape []int
		data  any
	}{
		{"v2", npyFile(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", le32(one, two)), []int{2}, []float32{1, 2}},
		{"v3", npyFile(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", le32(one, two)), []int{2}, []float32{1, 2}},
		{"double quotes, other key order", npyFile(1, `{"shape": (2,), "fortran_order": False, "descr": "<u4"}`, le32(7, 8)), []int{2}, []uint32{7, 8}},
		{"no trailing comma, tabs", npyFile(1, "{'descr':'<i4',\t'fortran_order':False,'shape':(1,2)}", le32(5, 6)), []int{1, 2}, []int32{5, 6}},
		{"python2 long", npyFile(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }", le32(5, 6)), []int{2}, []int32{5, 6}},
		{"big-endian f4", npyFile(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", []byte{0x3f, 0x80, 0, 0}), []int{1}, []float32{1}},
		{"big-endian i8", npyFile(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}), []int{1}, []int64{-2}},
		{"u1 any order", npyFile(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (2,), }", []byte{9, 10}), []int{2}, []uint8{9, 10}},
		{"u1 no order", npyFile(1, "{'descr': 'u1', 'fortran_order': False, 'shape': (2,), }", []byte{9, 10}), []int{2}, []uint8{9, 10}},
		{"0-d", npyFile(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (), }", le32(3)), []int{}, []uint32{3}},
		{"zero dim", npyFile(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (0, 1000000000000), }", nil), []int{0, 1000000000000}, []uint32{}},
		{"fortran 1-element", npyFile(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (1, 1), }", le32(3)), []int{1, 1}, []uint32{3}},
		{"trailing data ignored", npyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", []byte{1, 2, 3}), []int{1}, []uint8{1}},
	}
	for _, tt := range tests {
		got, err := npy.Read(bytes.NewReader(tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got.Shape, tt.shape) || !reflect.DeepEqual(got.Data, tt.data) {
			t.Errorf("%s: read %v %v, want %v %v", tt.name, got.Shape, got.Data, tt.shape, tt.data)
		}
	}
}

func TestReadMalformed(t *testing.T) {
	t.Parallel()
	valid := func(dict string, data []byte) []byte { return npyFile(1, dict, data) }
	hdr := func(descr, order, shape string) string {
		return fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, order, shape)
	}
	good := valid(hdr("<f4", "False", "(2,)"), le32(1, 2))
	tests := []struct {
		name string
		file []byte
		want string // in the error message
	}{
		{"empty", nil, "not an .npy file"},
		{"bad magic", []byte("PK\x03\x04 this is a zip file"), "not an .npy file"},
		{"short magic", []byte("\x93NUM"), "not an .npy file"},
		{"version 4", append([]byte("\x93NUMPY\x04\x00"), good[8:]...), "version 4.0"},
		{"version 1.1", append([]byte("\x93NUMPY\x01\x01"), good[8:]...), "version 1.1"},
		{"no header length", []byte("\x93NUMPY\x01\x00\x10"), "header length"},
		{"truncated header", good[:20], "truncated"},
		{"huge header length", []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{"), "header length"},
		{"truncated data", good[:len(good)-1], "truncated"},
		{"no data", good[:len(good)-8], "truncated"},
		{"unknown descr", valid(hdr("<f2", "False", "(2,)"), le32(1)), "'<f2' is not supported"},
		{"complex", valid(hdr("<c8", "False", "(1,)"), le32(1, 2)), "not supported"},
		{"native order", valid(hdr("=f4", "False", "(2,)"), le32(1, 2)), "byte order"},
		{"no order", valid(hdr("f8", "False", "(1,)"), le32(1, 2)), "byte order"},
		{"pipe order on f4", valid(hdr("|f4", "False", "(2,)"), le32(1, 2)), "'|'"},
		{"empty descr", valid(hdr("", "False", "(2,)"), le32(1, 2)), "empty"},
		{"structured", valid("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", le32(1)), "structured"},
		{"fortran", valid(hdr("<f4", "True", "(1, 2)"), le32(1, 2)), "Fortran"},
		{"bad bool", valid(hdr("<f4", "false", "(2,)"), le32(1, 2)), "True or False"},
		{"negative shape", valid(hdr("<f4", "False", "(-2,)"), le32(1, 2)), "non-negative"},
		{"huge shape", valid(hdr("<f4", "False", "(1000000000000000,)"), le32(1, 2)), "truncated"},
		{"overflowing shape", valid(hdr("<f4", "False", "(4611686018427387904, 4)"), le32(1, 2)), "fit"},
		{"overflowing bytes", valid(hdr("<f8", "False", "(4611686018427387904,)"), le32(1, 2)), "fit"},
		{"overlong dimension", valid(hdr("<f4", "False", "(99999999999999999999999,)"), le32(1, 2)), "dimension"},
		{"too many dims", valid(hdr("<f4", "False", "("+strings.Repeat("1,", 65)+")"), le32(1)), "64 dimensions"},
		{"shape not a tuple", valid(hdr("<f4", "False", "2"), le32(1, 2)), "'('"},
		{"shape list", valid(hdr("<f4", "False", "[2]"), le32(1, 2)), "'('"},
		{"shape float", valid(hdr("<f4", "False", "(2.0,)"), le32(1, 2)), "','"},
		{"shape unclosed", valid("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", nil), "header ends"},
		{"missing key", valid("{'descr': '<f4', 'shape': (2,), }", le32(1, 2)), "'fortran_order' is missing"},
		{"extra key", valid("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", le32(1, 2)), "unexpected key"},
		{"dup key", valid("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", le32(1, 2)), "twice"},
		{"unterminated string", valid("{'descr: '<f4'}", nil), "':'"},
		{"open string", valid("{'descr", nil), "quoted key"},
		{"open string at end", []byte("\x93NUMPY\x01\x00\x07\x00{'descr"), "closing quote"},
		{"no dict", valid("nothing here", nil), "'{'"},
		{"trailing junk", valid(hdr("<f4", "False", "(2,)")+" junk", le32(1, 2)), "after the closing"},
		{"missing comma", valid("{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", le32(1, 2)), "',' or '}'"},
		{"empty dict", valid("{}", nil), "missing"},
	}
	for _, tt := range tests {
		for _, via := range []string{"bytes.Reader", "plain io.Reader", "file"} {
			var err error
			switch via {
			case "bytes.Reader":
				_, err = npy.Read(bytes.NewReader(tt.file))
			case "plain io.Reader":
				_, err = npy.Read(io.MultiReader(bytes.NewReader(tt.file)))
			case "file":
				path := filepath.Join(t.TempDir(), "bad.npy")
				if err := os.WriteFile(path, tt.file, 0o644); err != nil {
					t.Fatal(err)
				}
				_, err = npy.ReadFile(path)
				if err != nil && !strings.Contains(err.Error(), path) {
					t.Errorf("%s via %s: error %q does not name the file", tt.name, via, err)
				}
			}
			if err == nil {
				t.Errorf("%s via %s: no error", tt.name, via)
				continue
			}
			if !strings.HasPrefix(err.Error(), "npy: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s via %s: error %q, want one starting with npy: and containing %q", tt.name, via, err, tt.want)
			}
		}
	}
}

func TestReadFileMissing(t *testing.T) {
	t.Parallel()
	_, err := npy.ReadFile(filepath.Join(t.TempDir(), "nope.npy"))
	if err == nil || !strings.Contains(err.Error(), "nope.npy") || !strings.HasPrefix(err.Error(), "npy: ") {
		t.Errorf("error %v, want one naming the file", err)
	}
}

func TestFloat64s(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data any
		want []float64
	}{
		{[]float32{1.5, -0.1}, []float64{1.5, float64(float32(-0.1))}},
		{[]float64{math.Pi}, []float64{math.Pi}},
		{[]int32{-3, math.MaxInt32}, []float64{-3, math.MaxInt32}},
		{[]uint32{math.MaxUint32}, []float64{math.MaxUint32}},
		{[]int64{1 << 53, -(1 << 53)}, []float64{1 << 53, -(1 << 53)}},
		{[]uint8{255}, []float64{255}},
	}
	for _, tt := range tests {
		got, err := npy.Array{Data: tt.data}.Float64s()
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Float64s(%v) = %v, %v; want %v", tt.data, got, err, tt.want)
		}
	}
	if _, err := (npy.Array{Name: "ids", Data: []int64{0, 1<<53 + 1}}).Float64s(); err == nil || !strings.Contains(err.Error(), "element 1") {
		t.Errorf("inexact int64: error %v, want one naming element 1", err)
	}
	if _, err := (npy.Array{Data: []string{"x"}}).Float64s(); err == nil {
		t.Errorf("[]string: no error")
	}
	f := []float64{1}
	g, _ := npy.Array{Data: f}.Float64s()
	g[0] = 2
	if f[0] != 1 {
		t.Errorf("Float64s of []float64 returned the same slice, want a copy")
	}
}

// TestBigNPZ writes an archive entry larger than 4 GiB, which needs zip64.
// It needs about 10 GB of memory and 5 GB of disk: set LIFGPU_BIG_TESTS=1.
func TestBigNPZ(t *testing.T) {
	if os.Getenv("LIFGPU_BIG_TESTS") == "" {
		t.Skip("set LIFGPU_BIG_TESTS=1 to write a 4.3 GB .npz")
	}
	n := 1<<32 + 1000
	data := make([]uint8, n)
	for i := 0; i < n; i += 4093 {
		data[i] = uint8(i >> 12)
	}
	path := filepath.Join(t.TempDir(), "big.npz")
	if err := npy.WriteNPZ(path, npy.Array{Name: "small", Data: []int32{1, 2}}, npy.Array{Name: "big", Data: data}, npy.Array{Name: "after", Data: []float64{3}}); err != nil {
		t.Fatal(err)
	}
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var after []float64
	if err := r.Read("after.npy", &after); err != nil || len(after) != 1 || after[0] != 3 {
		t.Errorf("entry after the big one: %v, %v", after, err)
	}
	rc, err := r.Open("big.npy")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := npy.Read(rc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Data.([]uint8), data) {
		t.Errorf("big entry read back differs")
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{1e4, 1e7} {
		data := make([]float32, n)
		for i := range data {
			data[i] = float32(i)
		}
		a := npy.Array{Data: data}
		b.Run(fmt.Sprintf("float32/n=%d/discard", n), func(b *testing.B) {
			b.SetBytes(int64(4 * n))
			for b.Loop() {
				if err := npy.Write(io.Discard, a); err != nil {
					b.Fatal(err)
				}
			}
		})
		// Into memory: bounded by memcpy, a fairer figure than io.Discard.
		b.Run(fmt.Sprintf("float32/n=%d/buffer", n), func(b *testing.B) {
			b.SetBytes(int64(4 * n))
			buf := bytes.NewBuffer(make([]byte, 0, 4*n+128))
			for b.Loop() {
				buf.Reset()
				if err := npy.Write(buf, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteNPY(b *testing.B) {
	n := int(1e7)
	a := npy.Array{Data: make([]float32, n)}
	path := filepath.Join(b.TempDir(), "x.npy")
	b.SetBytes(int64(4 * n))
	for b.Loop() {
		if err := npy.WriteNPY(path, a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	n := int(1e7)
	var buf bytes.Buffer
	npy.Write(&buf, npy.Array{Data: make([]float32, n)})
	b.SetBytes(int64(4 * n))
	for b.Loop() {
		if _, err := npy.Read(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func Example() {
	var buf bytes.Buffer
	err := npy.Write(&buf, npy.Array{Shape: []int{2, 3}, Data: []int32{1, 2, 3, 4, 5, 6}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", buf.Bytes()[10:69])

	a, err := npy.Read(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := a.Float64s()
	fmt.Println(a.Shape, v)
	// Output:
	// "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }"
	// [2 3] [1 2 3 4 5 6]
}
