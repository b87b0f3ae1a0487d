package outlook

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Simulate draws n customers from the BG/NBD process of m: each first buys
// at a time drawn uniformly in [0, horizon) before the end of calibration
// (so T is uniform), then buys at a Gamma(r, alpha) rate and after each
// repeat purchase stops for good with a Beta(a, b) probability. Times are
// rounded down to whole days of unit (a purchase day, as Summarize counts
// them); purchases on a day already bought are one. The value of each
// purchase follows the Gamma-Gamma model g: Gamma(p, ν) with the
// customer's ν drawn Gamma(q, v). Holdout[i] counts the purchase days in
// the holdout units after the calibration end. It is the truth the fit
// tests recover, and a load for the fits' benchmarks.
func Simulate(m BGNBD, g GammaGamma, n int, horizon, holdout float64, unit Unit, src rand.Source) (Panel, error) {
	if !(m.R > 0 && m.Alpha > 0 && m.A > 0 && m.B > 0 && g.P > 0 && g.Q > 0 && g.V > 0) || n < 0 || !(horizon > 0) || holdout < 0 {
		return Panel{}, fmt.Errorf("simulate: invalid models %+v %+v, %d customers, horizon %g, holdout %g", m, g, n, horizon, holdout)
	}
	rng := rand.New(src)
	rate := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}
	drop := distuv.Beta{Alpha: m.A, Beta: m.B, Src: src}
	spend := distuv.Gamma{Alpha: g.Q, Beta: g.V, Src: src}
	perDay := unit.Days()
	// toDay rounds a time in units down to a whole day, in units.
	toDay := func(t float64) float64 { return math.Floor(t*perDay) / perDay }
	p := Panel{HoldoutLength: holdout}
	for i := range n {
		c := Customer{ID: fmt.Sprintf("c%06d", i), T: toDay(rng.Float64() * horizon)}
		lambda, pDrop := rate.Rand(), drop.Rand()
		value := distuv.Gamma{Alpha: g.P, Beta: spend.Rand(), Src: src}
		var sum, hold float64
		last := 0.0 // the last purchase day, in units since the first
		for t := 0.0; ; {
			t += rng.ExpFloat64() / lambda
			d := toDay(t)
			if d > c.T+holdout {
				break
			}
			if d > last { // a new purchase day
				last = d
				if d <= c.T {
					c.X++
					c.Tx = d
					sum += value.Rand()
				} else {
					hold++
				}
			}
			if rng.Float64() < pDrop {
				break
			}
		}
		if c.X > 0 {
			c.MeanValue = sum / c.X
		}
		p.Customers = append(p.Customers, c)
		p.Holdout = append(p.Holdout, hold)
	}
	return p, nil
}
