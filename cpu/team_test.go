package cpu

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// TestTeam runs tasks of every size on teams larger and smaller than the processors,
// with pauses that let the helpers and the caller park, and checks that every part ran
// exactly once, before run returned.
func TestTeam(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, helpers := range []int{0, 1, 3, 8} {
		tm := newTeam(helpers)
		counts := make([]atomic.Int64, helpers+1)
		for task := range 3000 {
			n := 1 + r.IntN(helpers+1)
			slow := r.IntN(50) == 0 // a part that outlasts the caller's spinning
			for i := range counts {
				counts[i].Store(0)
			}
			tm.run(n, func(i int) {
				if slow && i == 0 {
					time.Sleep(2 * spinFor)
				}
				counts[i].Add(1)
			})
			for i := range counts {
				want := int64(0)
				if i < n {
					want = 1
				}
				if got := counts[i].Load(); got != want {
					t.Fatalf("%d helpers, task %d of %d parts: part %d ran %d times", helpers, task, n, i, got)
				}
			}
			if r.IntN(100) == 0 {
				time.Sleep(2 * spinFor) // the helpers park
			}
		}
		tm.close()
	}
}

// TestTeamLateWake: run's wake-up loop comes after the helper has done its part and
// parked again (the caller held up between publishing the job and waking the helpers),
// and the job is still current when the helper wakes (the caller's part is slow): the
// helper must not run its part twice.
func TestTeamLateWake(t *testing.T) {
	tm := newTeam(1)
	defer tm.close()
	var runs atomic.Int64
	for range 20 {
		tm.run(2, func(int) {}) // the helper spins, awake
		runs.Store(0)
		tm.lateWake = func() { time.Sleep(4 * spinFor) } // it runs its part and parks again
		tm.run(2, func(i int) {
			runs.Add(1)
			if i == 1 {
				time.Sleep(2 * spinFor) // the caller's part: the job stays current meanwhile
			}
		})
		tm.lateWake = nil
		time.Sleep(4 * spinFor) // a second run of the part would land here
		if r := runs.Load(); r != 2 {
			t.Fatalf("%d parts ran, want 2", r)
		}
	}
}

// TestTeamLateFinish: a helper's finish of one job wakes the caller late, when the
// caller has parked waiting for the next job: that must not wake it.
func TestTeamLateFinish(t *testing.T) {
	for range 10 {
		tm := newTeam(1)
		var once atomic.Bool
		tm.lateFinish = func() {
			if once.CompareAndSwap(false, true) {
				time.Sleep(4 * spinFor) // the caller goes on to the next job and parks
			}
		}
		tm.run(2, func(int) {})
		var runs [2]atomic.Int64
		tm.run(2, func(i int) {
			if i == 0 {
				time.Sleep(4 * spinFor) // woken early, the caller would return before this
			}
			runs[i].Add(1)
		})
		if a, b := runs[0].Load(), runs[1].Load(); a != 1 || b != 1 {
			t.Fatalf("parts ran %d and %d times before run returned, want once each", a, b)
		}
		tm.close()
	}
}
