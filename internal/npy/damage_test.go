package npy_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/rand"
	"crypto/sha256"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/internal/npy"
)

// TestNPZBitFlips flips a bit of every byte of an .npz, one byte at a time: each
// damaged file must be refused, or read as the arrays that were written, or lack one
// of their names (a flip in the directory's copy of a name, which the CRC does not
// cover: a reader that asks for its arrays by name refuses that file). Before the
// CRC-32 was verified, a flip in the data read as other numbers without a word.
func TestNPZBitFlips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	want := []npy.Array{
		{Name: "u", Data: []float32{-62, -61.5, -52.25}},
		{Name: "step", Data: []int64{1200}, Shape: []int{}},
	}
	if err := npy.WriteNPZ(path, want...); err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(path)
	damaged := filepath.Join(t.TempDir(), "d.npz")
	refused, renamed := 0, 0
	for at := range orig {
		b := bytes.Clone(orig)
		b[at] ^= 1 << (at % 8)
		os.WriteFile(damaged, b, 0o644)
		got, err := npy.ReadNPZ(damaged)
		if err != nil {
			refused++
			continue
		}
		for _, w := range want {
			g, ok := got[w.Name]
			if !ok {
				renamed++
				continue
			}
			if !reflect.DeepEqual(g.Data, w.Data) || len(g.Shape) != len(w.Shape) && w.Shape != nil {
				t.Errorf("byte %d flipped: %s read as %v %v without an error", at, w.Name, g.Shape, g.Data)
			}
		}
	}
	t.Logf("%d bytes: %d flips refused, %d renamed an array, the rest read as written", len(orig), refused, renamed)
}

// rawNPZ writes an .npz of one entry whose directory says what h says, with data raw.
func rawNPZ(t *testing.T, h zip.FileHeader, raw []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bomb.npz")
	os.WriteFile(path, buf.Bytes(), 0o644)
	return path
}

// npyHeader is the .npy header of a float32 array of n elements.
func npyHeader(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := npy.Write(&buf, npy.Array{Data: []float32{}, Shape: []int{0}}); err != nil {
		t.Fatal(err)
	}
	// Rewrite the shape, keeping the header's length (the dict is padded with spaces).
	h := buf.Bytes()
	s := strings.Replace(string(h), "(0,), }", "("+strconv.Itoa(n)+",), }", 1)
	s = strings.Replace(s, strings.Repeat(" ", len(strconv.Itoa(n))-1)+"\n", "\n", 1)
	if len(s) != len(h) {
		t.Fatalf("header length changed: %d to %d", len(h), len(s))
	}
	return []byte(s)
}

// allocated is the bytes f allocates.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestNPZDeclaredSizes: archives whose directory declares more than the file can hold
// are refused from the directory, before their data is read or its memory allocated: a
// stored entry that declares 1 GiB in a file of a few hundred bytes, a deflated entry
// that declares 4 GiB from 100 compressed bytes. A deflated entry whose claim deflate
// could meet, but whose stream ends early, fails without taking the memory it claimed.
func TestNPZDeclaredSizes(t *testing.T) {
	const gib = 1 << 30
	hdr := npyHeader(t, gib/4) // float32 (2^28,): 1 GiB of data
	cases := []struct {
		name string
		h    zip.FileHeader
		raw  []byte
		says string
	}{
		{"stored", zip.FileHeader{Name: "u.npy", Method: zip.Store, CompressedSize64: uint64(len(hdr) + 64), UncompressedSize64: gib + uint64(len(hdr))},
			append(bytes.Clone(hdr), make([]byte, 64)...), "stored uncompressed in"},
		{"past the end", zip.FileHeader{Name: "u.npy", Method: zip.Store, CompressedSize64: gib + uint64(len(hdr)), UncompressedSize64: gib + uint64(len(hdr))},
			append(bytes.Clone(hdr), make([]byte, 64)...), "past the end"},
		{"deflate bomb", zip.FileHeader{Name: "u.npy", Method: zip.Deflate, CompressedSize64: 100, UncompressedSize64: 4 * gib},
			make([]byte, 100), "zip bomb"},
	}
	for _, c := range cases {
		path := rawNPZ(t, c.h, c.raw)
		var err error
		if a := allocated(func() { _, err = npy.ReadNPZ(path) }); a > 64<<20 {
			t.Errorf("%s: allocated %d MiB before refusing", c.name, a>>20)
		}
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want a refusal saying %q", c.name, err, c.says)
		}
		if _, err := npy.ReadNPZHeaders(path); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: the headers alone: %v, want a refusal saying %q", c.name, err, c.says)
		}
	}
	// A deflate stream of 2 MiB of random bytes (incompressible: 2 MiB out) under a
	// header of 1 GiB, in an entry that declares 1 GiB (less than 1032 x 2 MiB).
	noise := make([]byte, 2<<20)
	rand.Read(noise)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.NoCompression)
	fw.Write(hdr)
	fw.Write(noise)
	fw.Close()
	full := append(bytes.Clone(hdr), noise...)
	path := rawNPZ(t, zip.FileHeader{Name: "u.npy", Method: zip.Deflate, CompressedSize64: uint64(comp.Len()),
		UncompressedSize64: gib + uint64(len(hdr)), CRC32: crc32.ChecksumIEEE(full)}, comp.Bytes())
	var err error
	if a := allocated(func() { _, err = npy.ReadNPZ(path) }); a > 256<<20 {
		t.Errorf("short deflated entry: allocated %d MiB for a stream of 2 MiB", a>>20)
	}
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("short deflated entry: %v, want a refusal saying the data is truncated", err)
	}
}

// TestWriteNPZSum: the sum returned is the SHA-256 of the file on disk.
func TestWriteNPZSum(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.npz")
	sum, err := npy.WriteNPZSum(path, npy.Array{Name: "t", Data: []float64{0.1, 0.2}}, npy.Array{Name: "i", Data: []int32{3, 4}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if sha256.Sum256(b) != sum {
		t.Errorf("WriteNPZSum gave %x, the file's SHA-256 is %x", sum, sha256.Sum256(b))
	}
}
