package gpu

import (
	"math/rand/v2"
	"testing"
)

// TestPlanRows: row chunks cover every synapse once, in order, within the limits, and
// their offsets place each row's part; long rows are split, empty rows skipped.
func TestPlanRows(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for c := range 300 {
		n := 1 + r.IntN(200)
		start := make([]int64, n+1)
		for i := range n {
			l := int64(0)
			switch r.IntN(4) {
			case 0: // empty
			case 1:
				l = int64(r.IntN(2000)) // long
			default:
				l = int64(r.IntN(20))
			}
			start[i+1] = start[i] + l
		}
		maxSyn, maxPre := int64(1+r.IntN(300)), 1+r.IntN(50)
		rows := planRows(start, maxSyn, maxPre)
		next := int64(0)
		for k, rc := range rows {
			if rc.synLo != next || rc.synHi <= rc.synLo || rc.synHi-rc.synLo > maxSyn || rc.preHi-rc.preLo > maxPre || rc.preHi <= rc.preLo {
				t.Fatalf("case %d chunk %d: %+v (next synapse %d, limits %d synapses, %d rows)", c, k, rc, next, maxSyn, maxPre)
			}
			off := rc.off(start)
			for i := rc.preLo; i < rc.preHi; i++ {
				a, b := int64(off[i-rc.preLo])+rc.synLo, int64(off[i-rc.preLo+1])+rc.synLo
				want := [2]int64{max(start[i], rc.synLo), min(start[i+1], rc.synHi)}
				if want[1] < want[0] {
					want = [2]int64{a, a} // a row outside the chunk's synapses: empty
				}
				if a != want[0] || b != want[1] {
					t.Fatalf("case %d chunk %d row %d: part [%d, %d), want %v", c, k, i, a, b, want)
				}
				if l := b - a; int64(rc.groups)*propWG*propPer < l {
					t.Fatalf("case %d chunk %d: %d groups for a part of %d", c, k, rc.groups, l)
				}
			}
			next = rc.synHi
		}
		if next != start[n] {
			t.Fatalf("case %d: chunks end at synapse %d of %d", c, next, start[n])
		}
	}
}
