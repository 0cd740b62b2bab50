//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package batch

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockDir makes the lock file of dir. This platform has no flock here: one run per
// folder is not enforced (a new folder is still made atomically).
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot lock the output folder: %w", err)
	}
	return f, nil
}

// heldBy cannot tell on this platform.
func heldBy(dir string) (int, bool) { return 0, false }
