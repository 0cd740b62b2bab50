package lifgpu

import (
	"fmt"
	"math"
)

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

// Float32Values returns the per-neuron values of a Values made by Float32s: the slice
// itself, not a copy (the caller must not modify it); nil for any other Values. A
// backend reads a Forward input through it without a conversion per element.
func (v Values) Float32Values() []float32 { return v.f32 }

// ScalarValue returns the scalar; it is meaningful only when IsScalar.
func (v Values) ScalarValue() float64 { return v.scalar }

// Check returns a *FieldError naming field if v has the wrong length for n neurons or
// holds a value that is not finite in float32, the precision of the update: NaN, ±Inf,
// or a magnitude beyond math.MaxFloat32 (about 3.4e38), which rounds to ±Inf.
func (v Values) Check(field string, n int) error {
	if !v.IsScalar() && v.Len() != n {
		return &FieldError{Field: field, Value: v.Len(), Rule: "per-neuron array needs one value per neuron",
			Remedy: "give " + itoa(n) + " values, or one scalar"}
	}
	for i := 0; i < v.Len(); i++ {
		x := v.At(i)
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return &FieldError{Field: field + index(v, i), Value: x, Rule: "must be a finite number",
				Remedy: "replace NaN or Inf with a finite value"}
		case math.IsInf(float64(float32(x)), 0):
			return &FieldError{Field: field + index(v, i), Value: x,
				Rule:   fmt.Sprintf("is beyond float32's range (magnitude at most %g): the update runs in float32, where it would be %v", math.MaxFloat32, float32(x)),
				Remedy: "check the units (ms, mV, MOhm, nA) and give a smaller value"}
		}
	}
	return nil
}

// subnormals returns how many values of v are subnormal in float32 (nonzero, below
// 2^-126 in magnitude once rounded) and the first of them.
func (v Values) subnormals() (count, first int) {
	first = -1
	for i := 0; i < v.Len(); i++ {
		if IsSubnormal32(float32(v.At(i))) {
			if count == 0 {
				first = i
			}
			count++
		}
	}
	return count, first
}

// IsSubnormal32 reports whether x is a subnormal float32: nonzero with a magnitude below
// 2^-126, the smallest normal float32 (about 1.18e-38). The contract flushes such
// values, and such results, to a zero of the same sign.
func IsSubnormal32(x float32) bool {
	b := math.Float32bits(x)
	return b&0x7f800000 == 0 && b&0x007fffff != 0
}
