package batch

import (
	"context"
	"errors"
)

// Outside the step loop a run also answers its context at once: reading the spec and
// its inputs, building the network, making the population, reading a checkpoint can
// each take long (a slow file system, 10^9 synapses), and a read may never return.
// That work writes nothing, so it is abandoned: the run returns an *InterruptedError
// while it finishes in the background (the program is about to exit) and its result
// is dropped. The final files are written a part at a time, and the writer checks the
// context between parts.

// abortable runs f and returns what it returns, or, if ctx ends first, an
// *InterruptedError saying what the run was doing (while) and what is on disk (at, nil
// when nothing is). f must write nothing. drop, if not nil, gets f's result when it was
// abandoned (a population to close).
func abortable[T any](ctx context.Context, while string, at *InterruptedError, f func() (T, error), drop func(T)) (T, error) {
	interrupted := func() (T, error) {
		var zero T
		ie := &InterruptedError{While: while}
		if at != nil {
			ie.Step, ie.Total, ie.Dir = at.Step, at.Total, at.Dir
		}
		return zero, ie
	}
	if ctx.Err() != nil {
		return interrupted()
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		// Sent also when f ends its goroutine without returning (runtime.Goexit).
		r := result{err: errors.New("the work ended without a result")}
		defer func() { done <- r }()
		r.v, r.err = f()
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.err == nil && drop != nil {
				drop(r.v)
			}
		}()
		return interrupted()
	}
}
