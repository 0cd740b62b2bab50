package batch

import (
	"errors"
	"fmt"
)

// The errors a run returns that callers branch on or explain: a CLI adds its own
// flags to them (lifgpu's -f, -o, -resume, -backend), so the messages here name none.

// ErrInterrupted is what an InterruptedError matches with errors.Is: the context was
// cancelled and a checkpoint was written first.
var ErrInterrupted = errors.New("interrupted")

// InterruptedError is a run stopped by its context at Step of Total. The checkpoint and
// the recordings so far are in Dir, unless Err says the checkpoint failed.
type InterruptedError struct {
	Step, Total int64
	Dir         string
	Err         error // the checkpoint's failure, or nil
}

func (e *InterruptedError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("interrupted at step %d, and the checkpoint failed: %v", e.Step, e.Err)
	}
	return fmt.Sprintf("interrupted at step %d of %d: checkpoint and recordings so far are in %s", e.Step, e.Total, e.Dir)
}

func (e *InterruptedError) Unwrap() error { return ErrInterrupted }

// ExistsError refuses an output folder that already exists, for a Job without Force.
type ExistsError struct {
	Dir    string
	NotDir bool // a file, not a folder, is in the way
}

func (e *ExistsError) Error() string {
	if e.NotDir {
		return fmt.Sprintf("output %s exists and is not a folder", e.Dir)
	}
	return fmt.Sprintf("output folder %s exists", e.Dir)
}

// FaultError is a backend that failed during a run. The checkpoint at step Checkpoint in
// Dir holds the last good state (the one the failure left readable, or the last
// periodic one, or step 0).
type FaultError struct {
	Backend    string
	Err        error
	Checkpoint int64
	Dir        string
}

func (e *FaultError) Error() string {
	return fmt.Sprintf("%s failed: %v; the checkpoint at step %d is in %s", e.Backend, e.Err, e.Checkpoint, e.Dir)
}

func (e *FaultError) Unwrap() error { return e.Err }

// ResourceError refuses a run that would not fit, before it starts: Need bytes of
// Resource ("memory", or "disk" in Dir) against Avail.
type ResourceError struct {
	Resource    string
	Need, Avail int64
	Dir         string
	Detail      string // what the estimate is made of
	Remedy      string // what to lower, when not the usual (n, traces, steps)
}

func (e *ResourceError) Error() string {
	if e.Resource == "disk" {
		return fmt.Sprintf("the run needs about %s on disk for %s (%s), plus 12 bytes per spike, but %s is free there: record less, or choose another folder",
			HumanBytes(e.Need), e.Dir, e.Detail, HumanBytes(e.Avail))
	}
	remedy := "lower n, record fewer traces, a larger trace_every or fewer steps"
	if e.Remedy != "" {
		remedy = e.Remedy
	}
	return fmt.Sprintf("the run needs about %s of memory (%s), %s is available: %s",
		HumanBytes(e.Need), e.Detail, HumanBytes(e.Avail), remedy)
}
