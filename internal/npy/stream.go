package npy

import (
	"fmt"
	"io"
	"strings"
)

// Stream reads one array of an .npz file a piece at a time, so that an array larger
// than memory (the spike list of a long run) can be read through: each [Stream.Read]
// fills a slice of the array's element type with the next elements, in file order.
// The archive's directory is checked as [ReadNPZHeaders] checks it, and the entry's
// CRC-32 when its last element has been read: a damaged file gives an error, never
// other numbers.
type Stream struct {
	z     npzFile
	rc    io.ReadCloser
	name  string // path:entry, for messages
	Shape []int
	dt    dtype
	big   bool
	left  int // elements not yet read
}

// OpenStream opens array name (the entry NAME.npy) of the .npz file at path for
// reading in pieces.
func OpenStream(path, name string) (*Stream, error) {
	z, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	for _, f := range z.File {
		if n, _ := strings.CutSuffix(f.Name, ".npy"); n != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			z.Close()
			return nil, fmt.Errorf("npy: %s: %s: %w", path, f.Name, err)
		}
		entry := path + ":" + f.Name
		ah, err := readHeader(rc, entry, int64(f.UncompressedSize64))
		if err != nil {
			rc.Close()
			z.Close()
			return nil, damaged(entry, err)
		}
		s := &Stream{z: z, rc: rc, name: entry, Shape: ah.h.shape, dt: ah.dt, big: ah.big, left: ah.n}
		if s.left == 0 {
			if err := s.end(); err != nil {
				s.Close()
				return nil, err
			}
		}
		return s, nil
	}
	z.Close()
	return nil, fmt.Errorf("npy: %s has no array %q", path, name)
}

// Type is the element type's name: "float32", "float64", "int32", "uint32", "int64"
// or "uint8".
func (s *Stream) Type() string { return s.dt.name() }

// Left is the number of elements not read yet.
func (s *Stream) Left() int { return s.left }

// Read reads the next min(len(dst), Left()) elements into dst, which must be a slice
// of the array's element type, and returns their number; 0 once every element has
// been read.
func (s *Stream) Read(dst any) (int, error) {
	dt, n, raw, err := info(dst)
	if err != nil {
		return 0, err
	}
	if dt != s.dt {
		return 0, fmt.Errorf("npy: %s holds %s, not %s", s.name, s.dt.name(), dt.name())
	}
	k := min(n, s.left)
	if k == 0 {
		return 0, nil
	}
	b := raw[:k*dt.size]
	if got, err := io.ReadFull(s.rc, b); err != nil {
		if isEOF(err) {
			return 0, fmt.Errorf("npy: %s: data is truncated after %d more bytes: the file was cut short", s.name, got)
		}
		return 0, damaged(s.name, err)
	}
	if dt.size > 1 && s.big == hostLittle {
		swap(b, dt.size)
	}
	s.left -= k
	if s.left == 0 {
		if err := s.end(); err != nil {
			return 0, err
		}
	}
	return k, nil
}

// end reads the entry to its end, so that the zip reader compares the CRC-32.
func (s *Stream) end() error {
	rest, err := io.Copy(io.Discard, s.rc)
	if err != nil {
		return damaged(s.name, err)
	}
	if rest > 0 {
		return fmt.Errorf("npy: %s: %d bytes follow the array's data; the entry is damaged or not one .npy array", s.name, rest)
	}
	return nil
}

// Close closes the file.
func (s *Stream) Close() error {
	s.rc.Close()
	return s.z.Close()
}
