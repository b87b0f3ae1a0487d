package outlook

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// bgnbdRow is one row of the likelihood: a customer with repeat purchases,
// or all the customers without one that share a T (w counts them). The
// logarithms of alpha+t_x and alpha+T are computed once per distinct value
// and looked up.
type bgnbdRow struct {
	x      int32 // index into the distinct x values
	tx, tt int32 // indexes into the distinct time values
	w      float64
}

type bgnbdData struct {
	rows    []bgnbdRow
	xs      []float64 // distinct x
	times   []float64 // distinct t_x and T values
	n       int
	meanT   float64
	meanX   float64
	logAT   []float64 // scratch: log(alpha + times[i])
	invAT   []float64 // scratch: 1/(alpha + times[i])
	perX    []xTerms  // scratch: per distinct x
	weightX []float64 // customers per distinct x
}

type xTerms struct {
	lg     float64 // the x-only part of the log-likelihood
	dr, da float64 // digamma parts of d/dr, d/da
	db     float64 // digamma part of d/db
	hasX   bool
	logAB  float64 // log(a) - log(b+x-1)
	invBX  float64 // 1/(b+x-1)
}

func newBGNBDData(cs []Customer) (*bgnbdData, error) {
	if len(cs) == 0 {
		return nil, errors.New("fit BG/NBD: no customers")
	}
	d := &bgnbdData{n: len(cs)}
	xIdx := map[float64]int32{}
	tIdx := map[float64]int32{}
	idx := func(m map[float64]int32, s *[]float64, v float64) int32 {
		i, ok := m[v]
		if !ok {
			i = int32(len(*s))
			m[v] = i
			*s = append(*s, v)
		}
		return i
	}
	// Customers without repeat purchases differ only by T and are the
	// bulk: one row per T. The others rarely share a triple; a map over
	// them would cost more than it saves.
	zeroRow := map[int32]int{}
	for _, c := range cs {
		if err := checkCustomer(c); err != nil {
			return nil, fmt.Errorf("fit BG/NBD: %w", err)
		}
		tt := idx(tIdx, &d.times, c.T)
		if c.X == 0 {
			if i, ok := zeroRow[tt]; ok {
				d.rows[i].w++
			} else {
				zeroRow[tt] = len(d.rows)
				d.rows = append(d.rows, bgnbdRow{x: idx(xIdx, &d.xs, 0), tx: tt, tt: tt, w: 1})
			}
		} else {
			d.rows = append(d.rows, bgnbdRow{x: idx(xIdx, &d.xs, c.X), tx: idx(tIdx, &d.times, c.Tx), tt: tt, w: 1})
		}
		d.meanT += c.T
		d.meanX += c.X
	}
	d.meanT /= float64(len(cs))
	d.meanX /= float64(len(cs))
	if d.meanT == 0 {
		return nil, fmt.Errorf("fit BG/NBD: all %d customers have T = 0 (no time observed)", len(cs))
	}
	d.logAT = make([]float64, len(d.times))
	d.invAT = make([]float64, len(d.times))
	d.perX = make([]xTerms, len(d.xs))
	d.weightX = make([]float64, len(d.xs))
	for _, row := range d.rows {
		d.weightX[row.x] += row.w
	}
	return d, nil
}

func checkCustomer(c Customer) error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }
	switch {
	case bad(c.X) || bad(c.Tx) || bad(c.T) || bad(c.MeanValue):
		return fmt.Errorf("customer %q: x %g, t_x %g, T %g, mean value %g: each must be finite and >= 0", c.ID, c.X, c.Tx, c.T, c.MeanValue)
	case c.X != math.Trunc(c.X):
		return fmt.Errorf("customer %q: x %g is not a whole number of purchases", c.ID, c.X)
	case c.Tx > c.T:
		return fmt.Errorf("customer %q: t_x %g after T %g", c.ID, c.Tx, c.T)
	case c.X > 0 && c.Tx == 0:
		return fmt.Errorf("customer %q: %g repeat purchases but t_x 0", c.ID, c.X)
	}
	return nil
}

// logLik returns the mean log-likelihood and its gradient with respect to
// the log-parameters (log r, log alpha, log a, log b).
//
// Per customer, LL = A1 + A2 + A3 + log(1 + [x>0] e^D) with
// A1 = lnΓ(r+x) - lnΓ(r) + r ln α, A2 = lnΓ(a+b) + lnΓ(b+x) - lnΓ(b) - lnΓ(a+b+x),
// A3 = -(r+x) ln(α+T), D = ln a - ln(b+x-1) - (r+x)(ln(α+t_x) - ln(α+T)).
func (d *bgnbdData) logLik(p []float64, grad []float64) float64 {
	r, alpha, a, b := math.Exp(p[0]), math.Exp(p[1]), math.Exp(p[2]), math.Exp(p[3])
	lgR, lgB, lgAB := lgamma(r), lgamma(b), lgamma(a+b)
	dgR, dgB, dgAB := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	logAlpha := math.Log(alpha)
	for i, x := range d.xs {
		t := &d.perX[i]
		t.lg = lgamma(r+x) - lgR + r*logAlpha + lgAB + lgamma(b+x) - lgB - lgamma(a+b+x)
		dgABX := mathext.Digamma(a + b + x)
		t.dr = mathext.Digamma(r+x) - dgR + logAlpha
		t.da = dgAB - dgABX
		t.db = dgAB + mathext.Digamma(b+x) - dgB - dgABX
		t.hasX = x > 0
		if t.hasX {
			t.logAB = math.Log(a) - math.Log(b+x-1)
			t.invBX = 1 / (b + x - 1)
		}
	}
	for i, v := range d.times {
		d.logAT[i] = math.Log(alpha + v)
		d.invAT[i] = 1 / (alpha + v)
	}
	sums := d.sumRowsParallel(r, grad != nil)
	ll, gr, gal, ga, gb := sums[0], sums[1], sums[2], sums[3]/a, sums[4]
	// The terms of x alone, once per x value with the weight of its rows.
	for i := range d.xs {
		t, w := &d.perX[i], d.weightX[i]
		ll += w * t.lg
		gr += w * t.dr
		gal += w * r / alpha
		ga += w * t.da
		gb += w * t.db
	}
	n := float64(d.n)
	if grad != nil {
		grad[0] = gr * r / n
		grad[1] = gal * alpha / n
		grad[2] = ga * a / n
		grad[3] = gb * b / n
	}
	return ll / n
}

// sumRowsParallel sums the rows' log-likelihood and gradient terms over
// the processors.
func (d *bgnbdData) sumRowsParallel(r float64, withGrad bool) []float64 {
	return splitSum(len(d.rows), func(lo, hi int) []float64 { return d.sumRows(d.rows[lo:hi], r, withGrad) })
}

// sumRows sums over rows the log-likelihood and the gradient terms in r,
// alpha, a, b (before the chain rule to log-parameters).
func (d *bgnbdData) sumRows(rows []bgnbdRow, r float64, withGrad bool) []float64 {
	// The terms that depend on x only are added per x value by logLik;
	// here only what depends on the times.
	var ll, gr, gal, ga, gb float64
	for _, row := range rows {
		t := &d.perX[row.x]
		rx := r + d.xs[row.x]
		lT := d.logAT[row.tt]
		if !t.hasX {
			ll -= row.w * rx * lT
			if withGrad {
				gr -= row.w * lT
				gal -= row.w * rx * d.invAT[row.tt]
			}
			continue
		}
		lTx := d.logAT[row.tx]
		dd := t.logAB - rx*(lTx-lT)
		var l, w float64 // w: the share of the "dropped out after t_x" term
		if dd > 0 {      // log1p(e^D) without overflow
			e := math.Exp(-dd)
			l = dd + math.Log(1+e)
			w = 1 / (1 + e)
		} else {
			e := math.Exp(dd)
			l = math.Log(1 + e)
			w = e / (1 + e)
		}
		ll += row.w * (l - rx*lT)
		if withGrad {
			gr -= row.w * (lT + w*(lTx-lT))
			iT := d.invAT[row.tt]
			gal -= row.w * rx * (iT + w*(d.invAT[row.tx]-iT))
			ga += row.w * w
			gb -= row.w * w * t.invBX
		}
	}
	return []float64{ll, gr, gal, ga, gb}
}
