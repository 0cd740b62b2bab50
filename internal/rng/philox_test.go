package rng

import (
	"testing"
)

// Known answers from Random123's kat_vectors (tests/kat_vectors), the three
// "philox4x32 10" lines: counter (4 words), key (2 words), expected output (4 words).
func TestPhilox4x32KnownAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		ctr  [4]uint32
		key  [2]uint32
		want [4]uint32
	}{
		{"zeros", [4]uint32{}, [2]uint32{}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{"ones",
			[4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
			[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{"pi",
			[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
			[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	}
	for _, c := range cases {
		if got := Philox4x32(c.ctr, c.key); got != c.want {
			t.Errorf("%s: Philox4x32(%08x, %08x) = %08x, want %08x", c.name, c.ctr, c.key, got, c.want)
		}
	}
}

// The mapping is the documented one: Draw is Philox4x32 of (neuron, step lo, step hi,
// stream) under (seed lo, seed hi).
func TestDrawMapping(t *testing.T) {
	t.Parallel()
	seed, stream, neuron, step := uint64(0x0123456789abcdef), uint32(1), uint32(123456), uint64(0xfedcba9876543210)
	want := Philox4x32([4]uint32{123456, 0x76543210, 0xfedcba98, 1}, [2]uint32{0x89abcdef, 0x01234567})
	if got := Draw(seed, stream, neuron, step); got != want {
		t.Fatalf("Draw = %08x, want %08x", got, want)
	}
}

// Changing any one input changes the draw (Philox is a bijection of the counter for a
// key, and the mapping is injective, so equal words here would be a mapping bug).
func TestDrawInputsMatter(t *testing.T) {
	t.Parallel()
	base := Draw(42, StreamNoise, 5, 7)
	variants := map[string][4]uint32{
		"seed+1":         Draw(43, StreamNoise, 5, 7),
		"seed+2^32":      Draw(42+1<<32, StreamNoise, 5, 7),
		"stream Poisson": Draw(42, StreamPoisson, 5, 7),
		"neuron+1":       Draw(42, StreamNoise, 6, 7),
		"step+1":         Draw(42, StreamNoise, 5, 8),
		"step+2^32":      Draw(42, StreamNoise, 5, 7+1<<32),
		// Swapping neuron and step must not give the same draw.
		"neuron<->step": Draw(42, StreamNoise, 7, 5),
	}
	for name, v := range variants {
		if v == base {
			t.Errorf("%s: same draw %08x as (seed 42, noise, neuron 5, step 7)", name, v)
		}
	}
	// And no two of a block of neighbouring (neuron, step, stream) share a first word by
	// more than chance (expected collisions among 3*64*64 words: ~0.001).
	seen := map[uint32]string{}
	for s := range uint32(3) {
		for n := range uint32(64) {
			for st := range uint64(64) {
				w := Draw(42, s, n, st)[0]
				if prev, ok := seen[w]; ok {
					t.Errorf("word %08x of (stream %d, neuron %d, step %d) also came from %s", w, s, n, st, prev)
				}
				seen[w] = "an earlier draw"
			}
		}
	}
}

// Neuron 5 at step 7 gets the same draw whatever else is drawn, in whatever order, on
// whatever goroutine: the generator has no state.
func TestDrawIsPure(t *testing.T) {
	t.Parallel()
	want := Draw(2026, StreamNoise, 5, 7)
	// Interleave many other draws, as a chunk of another size would.
	for chunk := 1; chunk <= 4096; chunk *= 8 {
		for i := range uint32(chunk) {
			Draw(2026, StreamNoise, i, 6)
			Draw(2026, StreamPoisson, i, 7)
		}
		if got := Draw(2026, StreamNoise, 5, 7); got != want {
			t.Fatalf("after a chunk of %d: %08x, want %08x", chunk, got, want)
		}
	}
	done := make(chan [4]uint32)
	go func() { done <- Draw(2026, StreamNoise, 5, 7) }()
	if got := <-done; got != want {
		t.Fatalf("on another goroutine: %08x, want %08x", got, want)
	}
	// Pinned, so that a change of the mapping cannot pass unnoticed.
	if pinned := [4]uint32{0x39dc4e73, 0x8ac804d9, 0xf3138570, 0x06f6d094}; want != pinned {
		t.Fatalf("Draw(2026, noise, 5, 7) = %08x, pinned %08x", want, pinned)
	}
}
