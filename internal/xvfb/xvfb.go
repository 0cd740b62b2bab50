// Package xvfb starts a virtual X server (Xvfb) for the tests that open windows: the
// viewer's, on Mesa's llvmpipe through GLX, with no display attached to the machine.
package xvfb

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// ErrNotFound is returned by Start when Xvfb is not installed (Debian: xvfb).
var ErrNotFound = errors.New("xvfb: Xvfb not found (Debian: apt-get install xvfb)")

// Server is a running Xvfb.
type Server struct {
	// Display is the DISPLAY value that reaches it, e.g. ":1".
	Display string
	cmd     *exec.Cmd
	stderr  *strings.Builder
}

// Start starts Xvfb on a free display (Xvfb chooses it: -displayfd) with one screen of
// w x h pixels at 24 bits, and waits until it accepts clients (at most 10 s).
func Start(w, h int) (*Server, error) {
	path, err := exec.LookPath("Xvfb")
	if err != nil {
		return nil, ErrNotFound
	}
	r, wr, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	s := &Server{stderr: &strings.Builder{}}
	s.cmd = exec.Command(path, "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp", "-noreset")
	s.cmd.ExtraFiles = []*os.File{wr}
	s.cmd.Stderr = s.stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // not outlive the tests
	if err := s.cmd.Start(); err != nil {
		wr.Close()
		return nil, fmt.Errorf("xvfb: starting %s: %w", path, err)
	}
	wr.Close()
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(l)
	}()
	select {
	case n := <-line:
		if n == "" {
			s.Stop()
			return nil, fmt.Errorf("xvfb: Xvfb said no display number: %s", s.stderr)
		}
		s.Display = ":" + n
		return s, nil
	case <-time.After(10 * time.Second):
		s.Stop()
		return nil, fmt.Errorf("xvfb: Xvfb gave no display number in 10 s: %s", s.stderr)
	}
}

// Stop ends the server.
func (s *Server) Stop() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		s.cmd.Wait()
	}
}
