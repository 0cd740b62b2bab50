//go:build !unix

package batch

import "errors"

// freeDisk is unknown on this platform: the disk check is skipped.
func freeDisk(dir string) (int64, error) {
	return 0, errors.New("free disk space unknown on this platform")
}
