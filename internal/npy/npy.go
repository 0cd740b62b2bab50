package npy

import (
	"fmt"
	"math"
	"strings"
	"unsafe"
)

// Array is one named n-dimensional array in C (row-major) order.
type Array struct {
	// Name is the entry name inside an .npz archive (NAME.npy); it is not
	// stored in an .npy file.
	Name string
	// Shape is the size of each dimension. Nil means one dimension of
	// len(Data); an empty non-nil shape is a 0-d array holding one element.
	Shape []int
	// Data is one of []float32, []float64, []int32, []uint32, []int64 or
	// []uint8.
	Data any
}

// dtype describes one supported element type.
type dtype struct {
	descr string // as written: '<f4', ...
	kind  byte   // 'f', 'i' or 'u'
	size  int    // bytes per element
}

var (
	dtFloat32 = dtype{"<f4", 'f', 4}
	dtFloat64 = dtype{"<f8", 'f', 8}
	dtInt32   = dtype{"<i4", 'i', 4}
	dtUint32  = dtype{"<u4", 'u', 4}
	dtInt64   = dtype{"<i8", 'i', 8}
	dtUint8   = dtype{"|u1", 'u', 1}
)

// name is the type's name in Go and NumPy: float32, int64, uint8, ...
func (d dtype) name() string {
	kinds := map[byte]string{'f': "float", 'i': "int", 'u': "uint"}
	return fmt.Sprintf("%s%d", kinds[d.kind], 8*d.size)
}

// supportedDescrs lists the dtypes for error messages.
const supportedDescrs = "'<f4', '<f8', '<i4', '<u4', '<i8', '|u1'"

// hostLittle reports whether this machine stores integers little-endian.
var hostLittle = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// info returns the dtype of data, its element count and its memory as bytes.
func info(data any) (dt dtype, n int, raw []byte, err error) {
	switch d := data.(type) {
	case []float32:
		return dtFloat32, len(d), asBytes(d), nil
	case []float64:
		return dtFloat64, len(d), asBytes(d), nil
	case []int32:
		return dtInt32, len(d), asBytes(d), nil
	case []uint32:
		return dtUint32, len(d), asBytes(d), nil
	case []int64:
		return dtInt64, len(d), asBytes(d), nil
	case []uint8:
		return dtUint8, len(d), d, nil
	case nil:
		return dtype{}, 0, nil, fmt.Errorf("data is nil; set Data to one of []float32, []float64, []int32, []uint32, []int64, []uint8")
	default:
		return dtype{}, 0, nil, fmt.Errorf("data has unsupported type %T; convert it to one of []float32, []float64, []int32, []uint32, []int64, []uint8", data)
	}
}

// asBytes views the memory of s as bytes, without copying.
func asBytes[T float32 | float64 | int32 | uint32 | int64 | uint8](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// shapeLen returns the number of elements of shape, or an error if a
// dimension is negative or the product does not fit an int.
func shapeLen(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %s has a negative dimension", shapeString(shape))
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %s has more elements than fit in an int", shapeString(shape))
		}
		n *= d
	}
	return n, nil
}

// FormatShape formats shape as NumPy prints it, a Python tuple: (), (3,), (2, 3).
func FormatShape(shape []int) string { return shapeString(shape) }

// shapeString formats shape as a Python tuple: (), (3,), (2, 3).
func shapeString(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, d)
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// check validates a and returns its dtype, its shape (nil resolved to 1-D)
// and its data as bytes.
func (a Array) check() (dtype, []int, []byte, error) {
	dt, n, raw, err := info(a.Data)
	if err != nil {
		return dt, nil, nil, err
	}
	shape := a.Shape
	if shape == nil {
		shape = []int{n}
	}
	if len(shape) > maxDims {
		return dt, nil, nil, fmt.Errorf("shape has %d dimensions, NumPy allows at most %d", len(shape), maxDims)
	}
	m, err := shapeLen(shape)
	if err != nil {
		return dt, nil, nil, err
	}
	if m != n {
		return dt, nil, nil, fmt.Errorf("shape %s holds %d elements but Data has %d; fix Shape or the data length", shapeString(shape), m, n)
	}
	return dt, shape, raw, nil
}

// Float64s returns the elements of a converted exactly to float64. It fails
// for an int64 element beyond ±2^53, which float64 cannot hold exactly.
func (a Array) Float64s() ([]float64, error) {
	name := a.Name
	if name == "" {
		name = "array"
	}
	switch d := a.Data.(type) {
	case []float64:
		return append([]float64(nil), d...), nil
	case []float32:
		return convert(d), nil
	case []int32:
		return convert(d), nil
	case []uint32:
		return convert(d), nil
	case []uint8:
		return convert(d), nil
	case []int64:
		const limit = 1 << 53
		for i, v := range d {
			if v > limit || v < -limit {
				return nil, fmt.Errorf("npy: %s: element %d is %d, which float64 cannot hold exactly (limit ±2^53); store the values as '<f8'", name, i, v)
			}
		}
		return convert(d), nil
	default:
		_, _, _, err := info(a.Data)
		return nil, fmt.Errorf("npy: %s: %v", name, err)
	}
}

func convert[T float32 | int32 | uint32 | int64 | uint8](s []T) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}
