package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeaderVersion2 checks the switch to version 2.0 for a header dict
// longer than 65535 bytes, which the 64-dimension limit never reaches
// through Write.
func TestHeaderVersion2(t *testing.T) {
	shape := make([]int, 30000)
	for i := range shape {
		shape[i] = 1
	}
	h := header(dtFloat32, shape)
	if !bytes.HasPrefix(h, []byte("\x93NUMPY\x02\x00")) {
		t.Fatalf("header starts with %q, want version 2.0", h[:8])
	}
	if n := 12 + int(binary.LittleEndian.Uint32(h[8:])); n != len(h) || n%64 != 0 {
		t.Errorf("header length field gives %d, header is %d bytes; want equal and a multiple of 64", n, len(h))
	}
	if h[len(h)-1] != '\n' {
		t.Errorf("header does not end with a newline")
	}
	if h := header(dtFloat32, []int{3}); !bytes.HasPrefix(h, []byte("\x93NUMPY\x01\x00")) || len(h) != 128 {
		t.Errorf("short header: %q, want version 1.0 and 128 bytes, as NumPy writes", h)
	}
}

func TestSwap(t *testing.T) {
	b := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	swap(b, 4)
	if !bytes.Equal(b, []byte{4, 3, 2, 1, 8, 7, 6, 5}) {
		t.Errorf("swap 4: %v", b)
	}
	swap(b, 8)
	if !bytes.Equal(b, []byte{5, 6, 7, 8, 1, 2, 3, 4}) {
		t.Errorf("swap 8: %v", b)
	}
}

// TestAtomicWriteFailsMidway fails the write after data has reached the
// temporary file: the temporary file goes and the old file stays.
func TestAtomicWriteFailsMidway(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.npz")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("npy: disk full")
	err := atomicWrite(path, func(w io.Writer) error {
		w.Write(make([]byte, 1<<20)) // past the buffer, into the file
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) || strings.Count(err.Error(), "npy: ") != 1 {
		t.Errorf("error %q, want one wrapping the cause, naming the file, with one npy: prefix", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries, want only out.npz", len(ents))
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("existing file changed to %d bytes", len(b))
	}
}
