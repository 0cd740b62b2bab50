//go:build unix

package batch

import (
	"errors"
	"path/filepath"
	"syscall"
)

// freeDisk returns the bytes free for an unprivileged user on the file system that
// holds dir (or the nearest folder above it that exists).
func freeDisk(dir string) (int64, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return 0, err
	}
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(d, &st); err == nil {
			return int64(st.Bavail) * int64(st.Bsize), nil
		}
		up := filepath.Dir(d)
		if up == d {
			return 0, errors.New("no file system found")
		}
		d = up
	}
}

// isDiskFull reports whether err is a write that found no room: the disk full, or the
// user's quota spent.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
