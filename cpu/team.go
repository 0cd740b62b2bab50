package cpu

import (
	"runtime"
	"sync/atomic"
	"time"
)

// A team runs the parts of a task at once: part n-1 on the calling goroutine, the
// others on helper goroutines that stay between tasks. A network advances its blocks
// and propagates their spikes once per chunk, and a chunk may be one step of a few
// microseconds: waking parked goroutines for each (a futex call and a thread wake-up,
// several microseconds on a virtual machine) would cost as much as the step. So the
// helpers and the caller spin a while on atomics before they park.
//
// Protocol: run publishes a new job (a fresh one each time: a helper with no part in
// a job may look at it late); a helper that sees the job change runs its part, if the
// job has one for it, and decrements pending. Parking: a helper sets parked, then looks
// at the job again; run, after publishing, takes each parked helper that has a part
// (parked true -> false) and sends it a token. Whichever of the two flips parked back
// decides who consumes the token, so none is lost or left behind. run's wake-up loop
// may come late, after a helper has done its part and parked again: woken for a job it
// has done, a helper waits on. The caller parks the same way when it has spun too long,
// callerParked naming the job it waits for: the last helper's finish of that job, not a
// late finish of the job before, takes it and sends its token.
type team struct {
	helpers []*helper
	job     atomic.Pointer[job]
	pending atomic.Int64

	callerParked atomic.Pointer[job] // the job the caller waits for, parked
	done         chan struct{}

	// Tests: hold run up between publishing a job and waking the helpers, and a helper's
	// finish between its count and its wake-up of the caller.
	lateWake, lateFinish func()
}

// job is one task: parts 0..n-2 for the helpers of those indices (none when closed).
type job struct {
	fn     func(i int)
	n      int
	closed bool
}

type helper struct {
	parked atomic.Bool
	wake   chan struct{}
}

// spinFor is how long a goroutine of a team spins before it parks.
const spinFor = 50 * time.Microsecond

// newTeam starts helpers helper goroutines.
func newTeam(helpers int) *team {
	t := &team{done: make(chan struct{}, 1)}
	for range helpers {
		t.helpers = append(t.helpers, &helper{wake: make(chan struct{}, 1)})
	}
	j0 := &job{}
	t.job.Store(j0)
	for i := range helpers {
		go t.loop(i, j0)
	}
	return t
}

// run runs fn(0), ..., fn(n-1) and returns when all have returned; n-1 must not exceed
// the helpers. fn(n-1) runs on the caller.
func (t *team) run(n int, fn func(i int)) {
	if n <= 1 {
		if n == 1 {
			fn(0)
		}
		return
	}
	t.pending.Store(int64(n - 1))
	cur := &job{fn: fn, n: n}
	t.job.Store(cur)
	if t.lateWake != nil {
		t.lateWake()
	}
	for _, h := range t.helpers[:n-1] {
		if h.parked.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
	fn(n - 1)
	if !spin(func() bool { return t.pending.Load() == 0 }) {
		t.callerParked.Store(cur)
		if t.pending.Load() != 0 || !t.callerParked.CompareAndSwap(cur, nil) {
			<-t.done // the last helper took us: its token
		}
	}
	// Every part is done: a helper that parked still holding cur (as the job it last
	// saw) must not keep the population alive through fn, or a population dropped
	// without Close would never be cleaned up.
	cur.fn = nil
	t.job.Store(&job{}) // the team keeps nothing of the population between tasks
}

// finish is a helper's end of its part of job j: the last one wakes the caller if it
// parked waiting for j (the caller may be parked for the next job already when a
// helper's finish of j comes late).
func (t *team) finish(j *job) {
	if t.pending.Add(-1) != 0 {
		return
	}
	if t.lateFinish != nil {
		t.lateFinish()
	}
	if t.callerParked.CompareAndSwap(j, nil) {
		t.done <- struct{}{}
	}
}

// loop is helper i's: seen is the last job it looked at (at first the team's first, a
// job with no parts: run may publish the next before the helper starts).
func (t *team) loop(i int, seen *job) {
	h := t.helpers[i]
	for {
		if !spin(func() bool { return t.job.Load() != seen }) {
			h.parked.Store(true)
			if t.job.Load() == seen || !h.parked.CompareAndSwap(true, false) {
				<-h.wake // run or close took us: its token
			}
		}
		j := t.job.Load()
		if j == seen {
			// A token from run for the job we did: it took us (parked) after we had
			// done our part and parked again, its wake-up loop late. Wait for the next.
			continue
		}
		seen = j
		if seen.closed {
			return
		}
		if i < seen.n-1 {
			seen.fn(i)
			t.finish(seen)
		}
	}
}

// spin waits up to spinFor for cond, yielding the processor now and then (a team may
// have more goroutines than processors), and reports whether cond came true.
func spin(cond func() bool) bool {
	var start time.Time
	for k := 0; ; k++ {
		if cond() {
			return true
		}
		if k%64 == 63 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > spinFor {
				return false
			}
			runtime.Gosched()
		}
	}
}

// close stops the helpers (parked or spinning).
func (t *team) close() {
	t.job.Store(&job{closed: true})
	for _, h := range t.helpers {
		if h.parked.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
}
