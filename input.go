package lifgpu

import (
	"fmt"
	"sort"
)

// Input is the current that a population holds and applies on every step, Run and
// Forward alike. The total current of a step is ((bias + sched) + x), added left to
// right in float32, where x is Forward's argument (0 in Run).
type Input struct {
	Bias     Values          // constant current (nA), scalar or per neuron; unset is 0
	Schedule []ScheduleEntry // piecewise-constant current; before its first entry it is 0
}

// ScheduleEntry sets the scheduled current from step Step on (until the next entry).
type ScheduleEntry struct {
	Step  int64
	Value Values
}

func (in Input) validate(n int) error {
	if in.Bias.IsSet() {
		if err := in.Bias.check("input.bias", n); err != nil {
			return err
		}
	}
	for k, e := range in.Schedule {
		name := fmt.Sprintf("input.schedule[%d]", k)
		if e.Step < 0 || e.Step > MaxSteps {
			return &FieldError{Field: name + ".step", Value: e.Step, Rule: fmt.Sprintf("must be in 0..%d", MaxSteps)}
		}
		if k > 0 && e.Step <= in.Schedule[k-1].Step {
			return &FieldError{Field: name + ".step", Value: e.Step,
				Rule:   fmt.Sprintf("must be greater than the entry before it (%d)", in.Schedule[k-1].Step),
				Remedy: "list schedule entries in increasing step order, one per step"}
		}
		if !e.Value.IsSet() {
			return &FieldError{Field: name + ".value", Value: "missing", Rule: "each schedule entry needs a value"}
		}
		if err := e.Value.check(name+".value", n); err != nil {
			return err
		}
	}
	return nil
}

// Segment is a stretch of steps [Start, End) over which the scheduled current is
// constant; Sched is its value (nil means no entry applies yet: 0).
type Segment struct {
	Start, End int64
	Sched      *Field32
}

// ScheduleAt returns the index of the schedule entry in force at step, or -1.
func (m *Model) ScheduleAt(step int64) int {
	k := sort.Search(len(m.Schedule), func(i int) bool { return m.Schedule[i].Step > step })
	return k - 1
}

// Segments splits steps [from, from+steps) at the schedule's change points.
func (m *Model) Segments(from int64, steps int) []Segment {
	var out []Segment
	end := from + int64(steps)
	for s := from; s < end; {
		k := m.ScheduleAt(s)
		e := end
		if k+1 < len(m.Schedule) && m.Schedule[k+1].Step < e {
			e = m.Schedule[k+1].Step
		}
		seg := Segment{Start: s, End: e}
		if k >= 0 {
			seg.Sched = &m.Schedule[k].Value
		}
		out = append(out, seg)
		s = e
	}
	return out
}
