package npy

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lifgpu/lifgpu/internal/regular"
)

// maxDeflateRatio bounds what deflate can expand a byte to: 1032 bytes out per byte
// in at most (258-byte matches coded in 2 bits). A deflated entry that declares more is
// lying about its size.
const maxDeflateRatio = 1032

// ReadNPZ reads every array of the .npz file at path (as written by WriteNPZ or
// numpy.savez), keyed by name (the entry name without .npy). Each entry's CRC-32 is
// verified: a file damaged on disk is refused, not read as other numbers. The sizes
// the archive's directory declares are checked against the file before anything is
// read (see [ReadNPZHeaders]); memory for a deflated entry grows as its data arrives,
// whatever it declares.
func ReadNPZ(path string) (map[string]Array, error) {
	z, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	out := make(map[string]Array, len(z.File))
	for _, f := range z.File {
		name, _ := strings.CutSuffix(f.Name, ".npy")
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npy: %s: %s: %w", path, f.Name, err)
		}
		entry := path + ":" + f.Name
		a, err := readEntry(rc, entry, f)
		rc.Close()
		if err != nil {
			return nil, err
		}
		a.Name = name
		out[name] = a
	}
	return out, nil
}

// readEntry reads the array of entry f from rc, then reads rc to its end, so that the
// zip reader compares the CRC-32 (it does so only at the end of the data).
func readEntry(rc io.Reader, name string, f *zip.File) (Array, error) {
	declared := int64(f.UncompressedSize64)
	ah, err := readHeader(rc, name, declared)
	if err != nil {
		return Array{}, damaged(name, err)
	}
	// A stored entry's size was checked against the file: its memory is taken at once.
	// A deflated one's may be a bomb's claim: its memory grows with what arrives.
	a, err := readBody(rc, name, ah, f.Method == zip.Store)
	if err != nil {
		return Array{}, damaged(name, err)
	}
	rest, err := io.Copy(io.Discard, rc)
	if err != nil {
		return Array{}, damaged(name, err)
	}
	if rest > 0 {
		return Array{}, fmt.Errorf("npy: %s: %d bytes follow the array's data (shape %s of '%s'); the entry is damaged or not one .npy array", name, rest, shapeString(ah.h.shape), ah.h.descr)
	}
	return a, nil
}

// damaged explains a checksum mismatch, which zip reports as a bare error.
func damaged(name string, err error) error {
	if errors.Is(err, zip.ErrChecksum) {
		return fmt.Errorf("npy: %s: CRC-32 mismatch: the data differs from what was written (the file is damaged); %w", name, err)
	}
	if errors.Is(err, zip.ErrFormat) {
		return fmt.Errorf("npy: %s: the entry is longer than its declared size: the file is damaged; %w", name, err)
	}
	return err
}

// Header is what an .npz says of one array before its data is read: the shape and the
// element type from the .npy header, and the bytes of the entry (header and data) that
// the archive's directory declares.
type Header struct {
	Shape []int
	Type  string // "float32", "float64", "int32", "uint32", "int64" or "uint8"
	Bytes int64
}

// ReadNPZHeaders reads the archive's directory and the .npy header of every array of
// the .npz file at path, keyed by name: a few hundred bytes an array, whatever their
// size. The sizes the directory declares are checked against the file first: a stored
// entry must lie inside the file, a deflated one cannot declare more than deflate can
// expand its compressed bytes to, and the .npy header's shape must fit in what the
// entry declares. A caller that knows what the arrays must be checks these headers
// before it reads (or allocates) anything.
func ReadNPZHeaders(path string) (map[string]Header, error) {
	z, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	out := make(map[string]Header, len(z.File))
	for _, f := range z.File {
		name, _ := strings.CutSuffix(f.Name, ".npy")
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npy: %s: %s: %w", path, f.Name, err)
		}
		ah, err := readHeader(rc, path+":"+f.Name, int64(f.UncompressedSize64))
		rc.Close()
		if err != nil {
			return nil, damaged(path+":"+f.Name, err)
		}
		out[name] = Header{Shape: ah.h.shape, Type: ah.dt.name(), Bytes: int64(f.UncompressedSize64)}
	}
	return out, nil
}

// npzFile is an open .npz archive.
type npzFile struct {
	*zip.Reader
	f *os.File
}

func (z npzFile) Close() error { return z.f.Close() }

// openNPZ opens the .npz at path, a regular file, and checks its directory: every entry
// an .npy, named once, and declaring sizes that the file can hold.
func openNPZ(path string) (npzFile, error) {
	f, err := regular.Open(path)
	if err != nil {
		return npzFile{}, fmt.Errorf("npy: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return npzFile{}, fmt.Errorf("npy: %w", err)
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		f.Close()
		return npzFile{}, fmt.Errorf("npy: %s: %w", path, err)
	}
	if err := checkDirectory(path, zr, st.Size()); err != nil {
		f.Close()
		return npzFile{}, err
	}
	return npzFile{Reader: zr, f: f}, nil
}

// checkDirectory checks the archive's entries against the size of the file, before any
// is read: a zip bomb, or a directory damaged or forged to declare more than the file
// holds, is refused from the directory alone.
func checkDirectory(path string, zr *zip.Reader, size int64) error {
	seen := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".npy") {
			return fmt.Errorf("npy: %s: entry %q is not an .npy array", path, f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("npy: %s: entry %q appears twice", path, f.Name)
		}
		seen[f.Name] = true
		off, err := f.DataOffset()
		if err != nil {
			return fmt.Errorf("npy: %s: %s: %w", path, f.Name, err)
		}
		comp, full := f.CompressedSize64, f.UncompressedSize64
		if off < 0 || comp > uint64(size) || uint64(off) > uint64(size)-comp {
			return fmt.Errorf("npy: %s: entry %s declares %d bytes at offset %d, past the end of the %d-byte file: the file is damaged or was cut short", path, f.Name, comp, off, size)
		}
		switch f.Method {
		case zip.Store:
			if full != comp {
				return fmt.Errorf("npy: %s: entry %s is stored uncompressed in %d bytes but declares %d: the file is damaged", path, f.Name, comp, full)
			}
		case zip.Deflate:
			if full/maxDeflateRatio > comp {
				return fmt.Errorf("npy: %s: entry %s declares %d bytes, more than its %d compressed bytes can hold (deflate expands at most %dx): the file is damaged or a zip bomb", path, f.Name, full, comp, maxDeflateRatio)
			}
		default:
			return fmt.Errorf("npy: %s: entry %s is compressed with method %d; only stored (numpy.savez) and deflated (numpy.savez_compressed) entries are read", path, f.Name, f.Method)
		}
	}
	return nil
}
