//go:build !unix

package batch

import (
	"errors"
	"syscall"
)

// freeDisk is unknown on this platform: the disk check is skipped.
func freeDisk(dir string) (int64, error) {
	return 0, errors.New("free disk space unknown on this platform")
}

// isDiskFull reports whether err is a write that found the disk full.
func isDiskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }
