package lifgpu

import "math"

// Values is a quantity that is either one scalar for every neuron or an array with one
// value per neuron. The zero Values is "not set"; see [Scalar], [Float32s], [Float64s].
type Values struct {
	set    bool
	scalar float64
	f32    []float32
	f64    []float64
}

// Scalar returns a Values that gives v to every neuron.
func Scalar(v float64) Values { return Values{set: true, scalar: v} }

// Float32s returns a per-neuron Values backed by v (not copied).
func Float32s(v []float32) Values { return Values{set: true, f32: v} }

// Float64s returns a per-neuron Values backed by v (not copied).
func Float64s(v []float64) Values { return Values{set: true, f64: v} }

// IsSet reports whether v was given a value.
func (v Values) IsSet() bool { return v.set }

// IsScalar reports whether v is one value for every neuron.
func (v Values) IsScalar() bool { return v.f32 == nil && v.f64 == nil }

// Len is the number of per-neuron values, or 1 for a scalar.
func (v Values) Len() int {
	switch {
	case v.f32 != nil:
		return len(v.f32)
	case v.f64 != nil:
		return len(v.f64)
	}
	return 1
}

// At returns neuron i's value.
func (v Values) At(i int) float64 {
	switch {
	case v.f32 != nil:
		return float64(v.f32[i])
	case v.f64 != nil:
		return v.f64[i]
	}
	return v.scalar
}

// ScalarValue returns the scalar; it is meaningful only when IsScalar.
func (v Values) ScalarValue() float64 { return v.scalar }

// check returns an error naming field if v has the wrong length for n neurons or holds
// a value that is not finite.
func (v Values) check(field string, n int) error {
	if !v.IsScalar() && v.Len() != n {
		return &FieldError{Field: field, Value: v.Len(), Rule: "per-neuron array needs one value per neuron",
			Remedy: "give " + itoa(n) + " values, or one scalar"}
	}
	if i, bad := v.firstNonFinite(); bad {
		return &FieldError{Field: field + index(v, i), Value: v.At(i), Rule: "must be a finite number",
			Remedy: "replace NaN or Inf with a finite value"}
	}
	return nil
}

func (v Values) firstNonFinite() (int, bool) {
	for i := 0; i < v.Len(); i++ {
		x := v.At(i)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i, true
		}
	}
	return 0, false
}

// Field32 is a resolved float32 quantity: a scalar, or one value per neuron when Values
// is not nil. Backends read it directly.
type Field32 struct {
	Scalar float32
	Values []float32
}

// At returns neuron i's value.
func (f Field32) At(i int) float32 {
	if f.Values != nil {
		return f.Values[i]
	}
	return f.Scalar
}

// IsScalar reports whether f has one value for every neuron.
func (f Field32) IsScalar() bool { return f.Values == nil }

// Expand writes f's value for neurons lo..lo+len(dst)-1 into dst.
func (f Field32) Expand(dst []float32, lo int) {
	if f.Values != nil {
		copy(dst, f.Values[lo:lo+len(dst)])
		return
	}
	for i := range dst {
		dst[i] = f.Scalar
	}
}

// FieldI32 is a resolved int32 quantity, scalar or per neuron.
type FieldI32 struct {
	Scalar int32
	Values []int32
}

// At returns neuron i's value.
func (f FieldI32) At(i int) int32 {
	if f.Values != nil {
		return f.Values[i]
	}
	return f.Scalar
}

// IsScalar reports whether f has one value for every neuron.
func (f FieldI32) IsScalar() bool { return f.Values == nil }

// Expand writes f's value for neurons lo..lo+len(dst)-1 into dst.
func (f FieldI32) Expand(dst []int32, lo int) {
	if f.Values != nil {
		copy(dst, f.Values[lo:lo+len(dst)])
		return
	}
	for i := range dst {
		dst[i] = f.Scalar
	}
}

// to32 rounds v to float32, keeping a scalar scalar.
func to32(v Values, n int) Field32 {
	if v.IsScalar() {
		return Field32{Scalar: float32(v.scalar)}
	}
	out := make([]float32, n)
	if v.f32 != nil {
		copy(out, v.f32)
	} else {
		for i, x := range v.f64 {
			out[i] = float32(x)
		}
	}
	return Field32{Values: out}
}

// map32 applies fn to each value of v (in float64) and rounds the result to float32.
func map32(v Values, n int, fn func(float64) float64) Field32 {
	if v.IsScalar() {
		return Field32{Scalar: float32(fn(v.scalar))}
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(fn(v.At(i)))
	}
	return Field32{Values: out}
}
