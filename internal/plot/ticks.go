package plot

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// ticks places about six labelled ticks at round values (1, 2 or 5 times a
// power of ten) with unlabelled ticks between, and labels them with no
// more digits than the step needs: 0, 250, 500 rather than 0.00, 250.00.
type ticks struct{}

func (ticks) Ticks(vmin, vmax float64) []plot.Tick {
	if !(vmax > vmin) || math.IsInf(vmax-vmin, 0) {
		return plot.DefaultTicks{}.Ticks(vmin, vmax)
	}
	raw := (vmax - vmin) / 6
	exp := math.Floor(math.Log10(raw))
	pow := math.Pow(10, exp)
	var step float64
	sub := 5 // minor ticks per major step
	switch f := raw / pow; {
	case f < 1.5:
		step = pow
	case f < 3.5:
		step, sub = 2*pow, 4
	case f < 7.5:
		step = 5 * pow
	default:
		step = 10 * pow
	}
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	minor := step / float64(sub)
	lo, hi := math.Ceil(vmin/minor-1e-9), math.Floor(vmax/minor+1e-9)
	var out []plot.Tick
	for i := lo; i <= hi; i++ {
		v := i * minor
		t := plot.Tick{Value: v}
		if math.Mod(i, float64(sub)) == 0 {
			if math.Abs(v) < minor*1e-6 {
				v = 0
			}
			t.Label = strconv.FormatFloat(v, 'f', decimals, 64)
		}
		out = append(out, t)
	}
	return out
}
