//go:build cgo && egl

package gpu

import "runtime"

// executor runs a context's GL work on the thread where the context is current: a
// thread of the population's own (thread), or the caller's (callerThread, for
// NewInContext).
type executor interface {
	// call runs f there and waits for it.
	call(f func() error) error
	// stop lets go of the thread, after the work already posted.
	stop()
}

// thread is one goroutine locked to its OS thread that owns a GL context: every GL
// call of a population runs there, posted as a closure (as ebiten's internal/thread
// does). GL contexts are current on one thread; the Go scheduler would otherwise move
// a goroutine between threads under our feet.
type thread struct {
	work chan func()
	done chan struct{}
}

// newThread starts the thread and runs init on it; if init fails the thread ends.
func newThread(init func() error) (*thread, error) {
	t := &thread{work: make(chan func()), done: make(chan struct{})}
	errc := make(chan error)
	go func() {
		runtime.LockOSThread()
		// The thread stays locked to the end: a thread that had a GL context current is
		// not handed back to the scheduler (it exits with the goroutine).
		if err := init(); err != nil {
			errc <- err
			return
		}
		errc <- nil
		for f := range t.work {
			f()
		}
		close(t.done)
	}()
	if err := <-errc; err != nil {
		return nil, err
	}
	return t, nil
}

// call runs f on the thread and waits for it. It must not be called from the thread
// itself, nor after stop.
func (t *thread) call(f func() error) error {
	var err error
	ran := make(chan struct{})
	t.work <- func() {
		defer close(ran)
		err = f()
	}
	<-ran
	return err
}

// stop ends the thread after the work already posted.
func (t *thread) stop() {
	close(t.work)
	<-t.done
}
