package npy

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// magic starts every .npy file.
const magic = "\x93NUMPY"

// align is the multiple of bytes at which the data starts, as in NumPy.
const align = 64

// chunkSize bounds each Write call on the underlying writer, so that
// writers that copy (zip, bufio, pipes) never hold a whole array twice.
const chunkSize = 8 << 20

// header returns the complete header (magic to final newline) for dt and
// shape, padded so that its length is a multiple of 64.
func header(dt dtype, shape []int) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", dt.descr, shapeString(shape))
	pre := 10 // magic, version, uint16 length
	total := pre + len(dict) + 1
	total = (total + align - 1) / align * align
	if total-pre > math.MaxUint16 {
		pre = 12 // version 2.0: uint32 length
		total = (pre + len(dict) + 1 + align - 1) / align * align
	}
	hlen := total - pre
	b := make([]byte, 0, total)
	b = append(b, magic...)
	if pre == 10 {
		b = append(b, 1, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
	} else {
		b = append(b, 2, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(hlen))
	}
	b = append(b, dict...)
	for len(b) < total-1 {
		b = append(b, ' ')
	}
	return append(b, '\n')
}

// Write writes a to w in .npy format: the header, then the data in
// little-endian byte order. a.Name is not written.
func Write(w io.Writer, a Array) error {
	dt, shape, raw, err := a.check()
	if err != nil {
		return fmt.Errorf("npy: cannot write %s: %v", arrayName(a), err)
	}
	if _, err := w.Write(header(dt, shape)); err != nil {
		return fmt.Errorf("npy: writing header of %s: %w", arrayName(a), err)
	}
	if err := writeData(w, raw, dt.size); err != nil {
		return fmt.Errorf("npy: writing %d bytes of data of %s: %w", len(raw), arrayName(a), err)
	}
	return nil
}

// writeData writes raw, the memory of elements of size bytes each, in
// little-endian order.
func writeData(w io.Writer, raw []byte, size int) error {
	if hostLittle || size == 1 {
		for len(raw) > 0 {
			n := min(len(raw), chunkSize)
			if _, err := w.Write(raw[:n]); err != nil {
				return err
			}
			raw = raw[n:]
		}
		return nil
	}
	buf := make([]byte, min(len(raw), 1<<20))
	for len(raw) > 0 {
		n := copy(buf, raw)
		swap(buf[:n], size)
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		raw = raw[n:]
	}
	return nil
}

// swap reverses the byte order of each size-byte element of b in place.
func swap(b []byte, size int) {
	switch size {
	case 4:
		for i := 0; i+4 <= len(b); i += 4 {
			b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
		}
	case 8:
		for i := 0; i+8 <= len(b); i += 8 {
			binary.LittleEndian.PutUint64(b[i:], binary.BigEndian.Uint64(b[i:]))
		}
	}
}

// arrayName names a in messages.
func arrayName(a Array) string {
	if a.Name == "" {
		return "array"
	}
	return fmt.Sprintf("array %q", a.Name)
}
