//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package batch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// lockDir takes the lock of folder dir (an exclusive flock on its lock file, made if
// missing) without waiting: a *BusyError when another run holds it. The lock file then
// holds this process's id, for the other runs' messages.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockName)
	for range 8 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("cannot lock the output folder: %w", err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			pid := readPID(f)
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, &BusyError{Dir: dir, PID: pid}
			}
			return nil, fmt.Errorf("cannot lock the output folder: flock %s: %w", path, err)
		}
		// The run that held the lock may have removed the file as it ended, between the
		// open and the flock: this lock is then on a file no other run sees. Again.
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			f.Truncate(0)
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			return f, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("cannot lock the output folder: %s keeps being replaced", path)
}

// heldBy reports whether a run holds the lock of dir, and its process id if the lock
// file says. It makes no lock file.
func heldBy(dir string) (int, bool) {
	f, err := os.Open(filepath.Join(dir, lockName))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB); err != nil {
		return readPID(f), errors.Is(err, unix.EWOULDBLOCK)
	}
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return 0, false
}

// readPID reads the process id a lock file holds (0 if none).
func readPID(f *os.File) int {
	b, _ := io.ReadAll(io.NewSectionReader(f, 0, 32))
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}
