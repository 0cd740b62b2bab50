package cpu

import "github.com/lifgpu/lifgpu/internal/f32"

// randomArgs is one step's input of a block whose input is random: from the input
// before the random terms (base, (bias + sched) + x), the Gaussian samples z and the
// Poisson counts k, it computes
//
//	I = (base + (mean + std*z)) + float32(k)*w     (model.Random, rng.Noise, rng.PoissonCurrent)
//
// and, when r is set, the drive the kernels take: R*I for Euler, uRest + R*I for the
// exact method (uRest set). A nil z (k) leaves the noise (Poisson) term out: an absent
// term is not added, not even as 0 (-0 + 0 is +0). Every operation is rounded on its
// own and flushed when it underflows, in this operand order. The slices behind the
// pointers hold at least n values (the kernels do not check).
//
// The field order is read by random_amd64.s: keep it in step.
type randomArgs struct {
	dst   *float32
	base  *float32
	z     *float32 // nil: no noise
	mean  *float32
	std   *float32
	k     *uint32 // nil: no Poisson input
	w     *float32
	r     *float32 // nil: dst = I
	uRest *float32 // nil: Euler
	n     int

	// Poisson input alone, counted in the same pass (driveRandomPoisson): the draw
	// words pr and a shared table's kmax thresholds thr (rng.PoissonTable.Thresholds);
	// k[i] is the number of thresholds pr[i] exceeds, as rng.PoissonTable.Sample gives
	// it. z and k are unused there.
	pr   *uint32
	thr  *uint32
	kmax int
}

// randomGo is the portable randomArgs loop.
func randomGo(a *randomArgs) {
	n := a.n
	if n == 0 {
		return
	}
	dst, base := unsafeSlice(a.dst, n), unsafeSlice(a.base, n)
	var z, mean, std, w, r, uRest []float32
	var k []uint32
	if a.z != nil {
		z, mean, std = unsafeSlice(a.z, n), unsafeSlice(a.mean, n), unsafeSlice(a.std, n)
	}
	if a.k != nil {
		k, w = unsafeSlice(a.k, n), unsafeSlice(a.w, n)
	}
	if a.r != nil {
		r = unsafeSlice(a.r, n)
		if a.uRest != nil {
			uRest = unsafeSlice(a.uRest, n)
		}
	}
	for i := range dst {
		t := base[i]
		if z != nil {
			t = f32.Add(t, f32.Add(mean[i], f32.Mul(std[i], z[i])))
		}
		if k != nil {
			t = f32.Add(t, f32.Mul(float32(k[i]), w[i]))
		}
		if r != nil {
			t = f32.Mul(r[i], t)
			if uRest != nil {
				t = f32.Add(uRest[i], t)
			}
		}
		dst[i] = t
	}
}

// randomPoissonGo is what driveRandomPoisson computes: the counts of pr against thr
// (a threshold at a time, stopping at the first that is not exceeded, as the table's
// Sample does), then randomGo with them. The tests hold the assembly to it.
func randomPoissonGo(a *randomArgs) {
	n := a.n
	if n == 0 {
		return
	}
	pr, thr := unsafeSlice(a.pr, n), unsafeSlice(a.thr, a.kmax)
	k := make([]uint32, n)
	for i, r := range pr {
		for _, t := range thr {
			if r <= t {
				break
			}
			k[i]++
		}
	}
	b := *a
	b.z, b.k, b.pr = nil, &k[0], nil
	randomGo(&b)
}
