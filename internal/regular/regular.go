// Package regular opens the files lifgpu reads (specs, .npy and .npz inputs, job.json,
// checkpoints) only when they are regular files. A named pipe given as an input would
// block the read (the open itself) until some writer appeared, perhaps forever; a
// device may never end (/dev/zero) or wait (/dev/stdin); a folder is a mistake. Each
// is refused with a message that says what the path is, before anything is opened for
// reading.
package regular

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Check returns an error unless path is a regular file (following symbolic links).
// It stats the path only: it never opens it, so it cannot block.
func Check(path string) (fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: path, Mode: st.Mode()}
	}
	return st, nil
}

// Open opens path for reading if it is a regular file. The file is checked again after
// the open, so that a path replaced meanwhile is refused too.
func Open(path string) (*os.File, error) {
	before, err := Check(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	after, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !after.Mode().IsRegular() || !os.SameFile(before, after) {
		f.Close()
		return nil, &Error{Path: path, Mode: after.Mode(), Replaced: after.Mode().IsRegular()}
	}
	return f, nil
}

// ReadFile reads the whole of path, a regular file.
func ReadFile(path string) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Error is a path that is not a regular file.
type Error struct {
	Path     string
	Mode     fs.FileMode
	Replaced bool // it was replaced by another file while it was being opened
}

func (e *Error) Error() string {
	if e.Replaced {
		return fmt.Sprintf("%s changed while it was being opened: it was replaced by another file", e.Path)
	}
	return fmt.Sprintf("%s is %s, not a regular file: lifgpu reads its inputs from regular files only (a pipe or a device could keep the read waiting forever)", e.Path, kind(e.Mode))
}

// kind names a file's type in a sentence.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return fmt.Sprintf("a file of mode %v", m)
}
