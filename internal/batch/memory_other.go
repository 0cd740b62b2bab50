//go:build !unix

package batch

// rlimit: no resource limits on this platform.
func rlimit(string) (uint64, bool) { return 0, false }
