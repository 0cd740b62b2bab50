//go:build !(glfw && egl && cgo && linux)

package main

import (
	"errors"
	"io"
)

// errNoView is view's answer in a build without the window: the headless binary links
// no X11.
var errNoView = errors.New("view needs a build with -tags 'egl glfw' (cgo on Linux, with the X11 and GL development headers): make view")

func cmdView(args []string, stdout, stderr io.Writer) error { return errNoView }
