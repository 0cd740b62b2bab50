package model

// Field is a resolved quantity: one Scalar for every neuron, or one value per neuron
// when Values is not nil. Backends read it directly.
type Field[T float32 | int32] struct {
	Scalar T
	Values []T
}

// At returns neuron i's value.
func (f Field[T]) At(i int) T {
	if f.Values != nil {
		return f.Values[i]
	}
	return f.Scalar
}

// IsScalar reports whether f has one value for every neuron.
func (f Field[T]) IsScalar() bool { return f.Values == nil }

// Expand writes f's values of neurons lo..lo+len(dst)-1 into dst.
func (f Field[T]) Expand(dst []T, lo int) {
	if f.Values != nil {
		copy(dst, f.Values[lo:lo+len(dst)])
		return
	}
	for i := range dst {
		dst[i] = f.Scalar
	}
}
