//go:build unix

package batch

import "golang.org/x/sys/unix"

// rlimit returns the soft limit of RLIMIT_AS ("as") or RLIMIT_DATA ("data").
func rlimit(resource string) (uint64, bool) {
	r := unix.RLIMIT_AS
	if resource == "data" {
		r = unix.RLIMIT_DATA
	}
	var l unix.Rlimit
	if err := unix.Getrlimit(r, &l); err != nil || l.Cur == unix.RLIM_INFINITY {
		return 0, false
	}
	return uint64(l.Cur), true
}
