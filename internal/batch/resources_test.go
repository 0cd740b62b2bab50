package batch

import "testing"

// TestHumanBytes: each unit from its first value.
func TestHumanBytes(t *testing.T) {
	for b, want := range map[int64]string{1023: "1023 B", 1 << 10: "1.0 KiB", 3 << 29: "1.5 GiB", 1 << 40: "1.0 TiB",
		1 << 50: "1.0 PiB", 1 << 60: "1.0 EiB", 1<<63 - 1: "8.0 EiB"} {
		if got := HumanBytes(b); got != want {
			t.Errorf("HumanBytes(%d) = %q, want %q", b, got, want)
		}
	}
}
