//go:build !gldebug

package gpu

// glDebug is set by the gldebug build tag: check glGetError after every GL call, and
// make every dispatch synchronous and timed (logged through the log package).
const glDebug = false
