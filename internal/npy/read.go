package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unsafe"

	"github.com/lifgpu/lifgpu/internal/regular"
)

// maxHeaderLen bounds the header dict that Read accepts. NumPy's own
// headers for the supported dtypes are well under 1 KiB even with 64
// dimensions; the bound keeps a corrupt length field from allocating
// gigabytes.
const maxHeaderLen = 1 << 20

// maxDims is NumPy's limit on the number of dimensions (NPY_MAXDIMS).
const maxDims = 64

// firstChunk bounds the first allocation, in bytes, when the size of the
// input is unknown; the buffer then doubles as data keeps arriving.
const firstChunk = 16 << 20

// ReadFile reads the .npy file at path. The sizes in its header are checked
// against the size of the file before any memory is allocated for the data.
// A path that is not a regular file (a named pipe, a device, a folder) is refused
// before it is opened, since reading it could block forever.
func ReadFile(path string) (Array, error) {
	f, err := regular.Open(path)
	if err != nil {
		return Array{}, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Array{}, fmt.Errorf("npy: %w", err)
	}
	return read(f, path, st.Size())
}

// Read reads one .npy array from r. It stops after the data, so r may hold
// more after it. When r is an *os.File or anything else with a Name
// method, errors name it. When r has a Len method (bytes.Reader,
// strings.Reader) the header is checked against it as ReadFile checks it
// against the file size; otherwise memory for the data grows as the data
// arrives, so a header claiming more data than r holds fails without
// allocating all of it.
func Read(r io.Reader) (Array, error) {
	name := "input"
	if n, ok := r.(interface{ Name() string }); ok {
		name = n.Name()
	}
	avail := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok { // bytes.Reader, bytes.Buffer, strings.Reader
		avail = int64(l.Len())
	}
	return read(r, name, avail)
}

// arrayHeader is what an .npy header says, checked: the element type, its byte order,
// the shape, and the element and byte counts of the data that follows.
type arrayHeader struct {
	h         npyHeader
	dt        dtype
	big       bool
	n, nbytes int
}

// read reads an .npy array named name from r, which holds avail bytes, or
// an unknown number if avail is negative.
func read(r io.Reader, name string, avail int64) (Array, error) {
	ah, err := readHeader(r, name, avail)
	if err != nil {
		return Array{}, err
	}
	return readBody(r, name, ah, avail >= 0)
}

// readBody reads the data that header ah describes from r. known: r was checked to hold
// it, so its memory is allocated at once; otherwise memory grows as data arrives.
func readBody(r io.Reader, name string, ah arrayHeader, known bool) (Array, error) {
	h, dt, big, n, nbytes := ah.h, ah.dt, ah.big, ah.n, ah.nbytes
	a := Array{Shape: h.shape}
	var raw []byte
	var err error
	switch dt {
	case dtFloat32:
		var s []float32
		s, raw, err = readData[float32](r, n, known)
		a.Data = s
	case dtFloat64:
		var s []float64
		s, raw, err = readData[float64](r, n, known)
		a.Data = s
	case dtInt32:
		var s []int32
		s, raw, err = readData[int32](r, n, known)
		a.Data = s
	case dtUint32:
		var s []uint32
		s, raw, err = readData[uint32](r, n, known)
		a.Data = s
	case dtInt64:
		var s []int64
		s, raw, err = readData[int64](r, n, known)
		a.Data = s
	case dtUint8:
		var s []uint8
		s, raw, err = readData[uint8](r, n, known)
		a.Data = s
	}
	if err != nil {
		var short shortData
		if errors.As(err, &short) {
			return Array{}, fmt.Errorf("npy: %s: data is truncated: shape %s of '%s' needs %d bytes, only %d follow the header; the file was cut short or its header is wrong", name, shapeString(h.shape), h.descr, nbytes, short.got)
		}
		return Array{}, fmt.Errorf("npy: %s: reading %d bytes of data: %w", name, nbytes, err)
	}
	if dt.size > 1 && big == hostLittle {
		swap(raw, dt.size)
	}
	return a, nil
}

// readHeader reads and checks the header of an .npy array named name from r, which
// holds avail bytes, or an unknown number if avail is negative; r is left at the data.
func readHeader(r io.Reader, name string, avail int64) (arrayHeader, error) {
	var pre [12]byte
	if k, err := io.ReadFull(r, pre[:8]); err != nil {
		if isEOF(err) {
			return arrayHeader{}, fmt.Errorf("npy: %s: not an .npy file: only %d bytes, expected at least 10 (magic string, version, header length)", name, k)
		}
		return arrayHeader{}, fmt.Errorf("npy: %s: reading the magic string: %w", name, err)
	}
	if string(pre[:6]) != magic {
		return arrayHeader{}, fmt.Errorf("npy: %s: not an .npy file: starts with %q, expected %q", name, pre[:6], magic)
	}
	major, minor := pre[6], pre[7]
	prelen := 0
	switch {
	case major == 1 && minor == 0:
		prelen = 10
	case (major == 2 || major == 3) && minor == 0:
		prelen = 12
	default:
		return arrayHeader{}, fmt.Errorf("npy: %s: format version %d.%d is not supported, expected 1.0, 2.0 or 3.0", name, major, minor)
	}
	if _, err := io.ReadFull(r, pre[8:prelen]); err != nil {
		return arrayHeader{}, truncated(name, "header length", err)
	}
	var hlen int64
	if prelen == 10 {
		hlen = int64(binary.LittleEndian.Uint16(pre[8:]))
	} else {
		hlen = int64(binary.LittleEndian.Uint32(pre[8:]))
	}
	if hlen > maxHeaderLen {
		return arrayHeader{}, fmt.Errorf("npy: %s: header length is %d bytes, more than the %d accepted; the file is corrupt or not written by NumPy", name, hlen, maxHeaderLen)
	}
	if avail >= 0 && int64(prelen)+hlen > avail {
		return arrayHeader{}, fmt.Errorf("npy: %s: header is truncated: it should be %d bytes, the file has %d after the magic string; the file was cut short", name, hlen, avail-int64(prelen))
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return arrayHeader{}, truncated(name, fmt.Sprintf("header (%d bytes)", hlen), err)
	}
	h, err := parseHeader(hdr)
	if err != nil {
		return arrayHeader{}, fmt.Errorf("npy: %s: malformed header %s: %v", name, quoteHeader(hdr), err)
	}
	dt, big, err := parseDescr(h.descr)
	if err != nil {
		return arrayHeader{}, fmt.Errorf("npy: %s: %v", name, err)
	}
	if h.fortran {
		return arrayHeader{}, fmt.Errorf("npy: %s: array of shape %s is in Fortran (column-major) order, expected C order; save it with numpy.save(path, numpy.ascontiguousarray(a))", name, shapeString(h.shape))
	}
	n, err := shapeLen(h.shape)
	if err != nil {
		return arrayHeader{}, fmt.Errorf("npy: %s: %v", name, err)
	}
	if n > math.MaxInt/dt.size {
		return arrayHeader{}, fmt.Errorf("npy: %s: shape %s of %s needs more bytes than fit in an int", name, shapeString(h.shape), h.descr)
	}
	nbytes := n * dt.size
	if avail >= 0 {
		if left := avail - int64(prelen) - hlen; int64(nbytes) > left {
			return arrayHeader{}, fmt.Errorf("npy: %s: data is truncated: shape %s of '%s' needs %d bytes, the file has %d after the header; the file was cut short or its header is wrong", name, shapeString(h.shape), h.descr, nbytes, left)
		}
	}
	return arrayHeader{h: h, dt: dt, big: big, n: n, nbytes: nbytes}, nil
}

// shortData reports that the input ended after got bytes of data.
type shortData struct{ got int }

func (s shortData) Error() string { return fmt.Sprintf("input ended after %d bytes of data", s.got) }

// readData reads n elements of type T from r, as raw bytes in file order.
// If known, the caller has checked that r holds them and all memory is
// allocated at once; otherwise it grows from firstChunk bytes by doubling.
func readData[T float32 | float64 | int32 | uint32 | int64 | uint8](r io.Reader, n int, known bool) ([]T, []byte, error) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	c := n
	if !known {
		c = min(n, max(firstChunk/size, 1))
	}
	s := make([]T, c)
	got := 0 // bytes
	for {
		k, err := io.ReadFull(r, asBytes(s)[got:])
		got += k
		if err != nil {
			if isEOF(err) {
				return nil, nil, shortData{got}
			}
			return nil, nil, err
		}
		if len(s) == n {
			return s, asBytes(s), nil
		}
		grown := make([]T, min(2*len(s), n))
		copy(grown, s)
		s = grown
	}
}

func isEOF(err error) bool {
	return err == io.EOF || err == io.ErrUnexpectedEOF
}

// truncated describes a failure to read what in the header.
func truncated(name, what string, err error) error {
	if isEOF(err) {
		return fmt.Errorf("npy: %s: %s is truncated: the file ends inside it; the file was cut short", name, what)
	}
	return fmt.Errorf("npy: %s: reading the %s: %w", name, what, err)
}

// quoteHeader quotes hdr for a message, shortened if long.
func quoteHeader(hdr []byte) string {
	const max = 160
	if len(hdr) > max {
		return fmt.Sprintf("%q...", hdr[:max])
	}
	return fmt.Sprintf("%q", hdr)
}

// parseDescr maps a NumPy type string to a supported dtype and reports
// whether the data is big-endian.
func parseDescr(descr string) (dtype, bool, error) {
	if len(descr) == 0 {
		return dtype{}, false, fmt.Errorf("dtype descr is empty, expected one of %s", supportedDescrs)
	}
	order, code := byte(0), descr
	switch descr[0] {
	case '<', '>', '|', '=':
		order, code = descr[0], descr[1:]
	}
	var dt dtype
	switch code {
	case "f4":
		dt = dtFloat32
	case "f8":
		dt = dtFloat64
	case "i4":
		dt = dtInt32
	case "u4":
		dt = dtUint32
	case "i8":
		dt = dtInt64
	case "u1":
		dt = dtUint8
	default:
		return dtype{}, false, fmt.Errorf("dtype '%s' is not supported, expected one of %s (or their big-endian forms); convert the array with a.astype('<f8') or similar before saving", descr, supportedDescrs)
	}
	if dt.size == 1 {
		return dt, false, nil // byte order does not matter
	}
	switch order {
	case '<':
		return dt, false, nil
	case '>':
		return dt, true, nil
	case '|':
		return dtype{}, false, fmt.Errorf("dtype '%s' is invalid: '|' (not applicable) is for 1-byte types, a %d-byte type needs '<' or '>'", descr, dt.size)
	default:
		return dtype{}, false, fmt.Errorf("dtype '%s' does not say its byte order ('=' or none means the writer's native order, unknown here); expected '<%s' or '>%s'", descr, code, code)
	}
}

// npyHeader is the content of the header dict.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parser reads the Python literal dict of an .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
type parser struct {
	s []byte
	i int
}

func parseHeader(s []byte) (npyHeader, error) {
	var h npyHeader
	p := &parser{s: s}
	p.space()
	if err := p.expect('{', "'{' opening the header dict"); err != nil {
		return h, err
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.peek() == '}' {
			p.i++
			break
		}
		key, err := p.str("a quoted key")
		if err != nil {
			return h, err
		}
		if seen[key] {
			return h, fmt.Errorf("key '%s' appears twice", key)
		}
		seen[key] = true
		p.space()
		if err := p.expect(':', "':' after key '"+key+"'"); err != nil {
			return h, err
		}
		p.space()
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, fmt.Errorf("'descr' is a list (a structured dtype), expected a simple type string such as '<f4'")
			}
			h.descr, err = p.str("a quoted type string for 'descr', such as '<f4'")
		case "fortran_order":
			h.fortran, err = p.boolean()
		case "shape":
			h.shape, err = p.tuple()
		default:
			return h, fmt.Errorf("unexpected key '%s', expected only 'descr', 'fortran_order' and 'shape'", key)
		}
		if err != nil {
			return h, err
		}
		p.space()
		if p.peek() == ',' {
			p.i++
			continue
		}
		if err := p.expect('}', "',' or '}' after the value of '"+key+"'"); err != nil {
			return h, err
		}
		break
	}
	p.space()
	if p.i < len(p.s) {
		return h, p.errorf("nothing but spaces after the closing '}'")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("key '%s' is missing; expected 'descr', 'fortran_order' and 'shape'", k)
		}
	}
	return h, nil
}

func (p *parser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *parser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// errorf reports what was expected at the current position and what is there.
func (p *parser) errorf(expected string) error {
	if p.i >= len(p.s) {
		return fmt.Errorf("header ends at byte %d, expected %s", p.i, expected)
	}
	found := p.s[p.i:min(len(p.s), p.i+16)]
	return fmt.Errorf("at byte %d found %q, expected %s", p.i, found, expected)
}

func (p *parser) expect(c byte, what string) error {
	if p.peek() != c || p.i >= len(p.s) {
		return p.errorf(what)
	}
	p.i++
	return nil
}

// str reads a quoted Python string; a backslash takes the next byte as is.
func (p *parser) str(what string) (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.errorf(what)
	}
	start := p.i
	p.i++
	var b []byte
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == q:
			return string(b), nil
		case c == '\\' && p.i < len(p.s):
			b = append(b, p.s[p.i])
			p.i++
		case c == '\n':
			p.i = start
			return "", p.errorf(what + " closed on the same line")
		default:
			b = append(b, c)
		}
	}
	p.i = start
	return "", p.errorf(what + " with a closing quote")
}

func (p *parser) boolean() (bool, error) {
	start := p.i
	for p.i < len(p.s) && isLetter(p.s[p.i]) {
		p.i++
	}
	switch string(p.s[start:p.i]) {
	case "True":
		return true, nil
	case "False":
		return false, nil
	}
	p.i = start
	return false, p.errorf("True or False for 'fortran_order'")
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// tuple reads a shape: (), (n,), (n, m), ... of non-negative integers.
func (p *parser) tuple() ([]int, error) {
	if err := p.expect('(', "'(' opening the 'shape' tuple"); err != nil {
		return nil, err
	}
	shape := []int{}
	for {
		p.space()
		if p.peek() == ')' {
			p.i++
			return shape, nil
		}
		if len(shape) == maxDims {
			return nil, p.errorf(fmt.Sprintf("')': shape has more than %d dimensions", maxDims))
		}
		d, err := p.dim()
		if err != nil {
			return nil, err
		}
		shape = append(shape, d)
		p.space()
		if p.peek() == ',' {
			p.i++
			continue
		}
		if err := p.expect(')', "',' or ')' in the 'shape' tuple"); err != nil {
			return nil, err
		}
		return shape, nil
	}
}

// dim reads one non-negative dimension, allowing Python 2's L suffix.
func (p *parser) dim() (int, error) {
	start := p.i
	if p.peek() == '-' {
		p.i++
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		found := string(p.s[start:p.i])
		p.i = start
		return 0, p.errorf(fmt.Sprintf("a non-negative dimension (found %s)", found))
	}
	n := 0
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		d := int(p.s[p.i] - '0')
		if n > (math.MaxInt-d)/10 {
			p.i = start
			return 0, p.errorf(fmt.Sprintf("a dimension below %d", math.MaxInt))
		}
		n = n*10 + d
		p.i++
	}
	if p.i == start {
		return 0, p.errorf("an integer dimension in the 'shape' tuple")
	}
	if c := p.peek(); c == 'L' || c == 'l' {
		p.i++
	}
	return n, nil
}
