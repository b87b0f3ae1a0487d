// Package outlook provides the models of customer-base analysis that give
// the forward view of a partner: BG/NBD (Fader, Hardie and Lee 2005) for the
// number of repeat purchases and the probability of still buying, and
// Gamma-Gamma for the value per purchase, fitted by maximum likelihood.
package outlook

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mathext"
)

// Customer is one customer's (or partner's) history summary in a time unit
// (weeks in the pipeline): X repeat purchases (distinct purchase days after
// the first), Tx time of the last purchase since the first, T time since the
// first purchase to the end of calibration, MeanValue the mean value of the
// repeat purchases (0 when X == 0).
type Customer struct {
	ID                  string
	X, Tx, T, MeanValue float64
}

// BGNBD is a fitted BG/NBD model: purchases while alive follow a Poisson
// process whose rate is Gamma(R, Alpha) across customers; after each purchase
// a customer drops out with a probability that is Beta(A, B) across
// customers. LogLik is the log-likelihood at the fit, N the customers fitted.
type BGNBD struct {
	R, Alpha, A, B, LogLik float64
	N                      int
}

// FitBGNBD fits the BG/NBD model by maximum likelihood. The likelihood only
// needs (X, Tx, T), so customers with the same triple are fitted as one
// weighted row. It fails on invalid input or when the optimiser does not
// converge, with the numbers in the error.
func FitBGNBD(cs []Customer) (BGNBD, error) {
	d, err := newBGNBDData(cs)
	if err != nil {
		return BGNBD{}, err
	}
	// Starting point: unit shapes, and a rate scale from the data so the
	// start is sensible whatever the time unit (days or weeks).
	alpha0 := d.meanT / math.Max(d.meanX+1, 1)
	if !(alpha0 > 0) {
		alpha0 = 1
	}
	start := []float64{0, math.Log(alpha0), 0, 0}
	res, err := maximize("BG/NBD", d.n, start, d.logLik)
	if err != nil {
		return BGNBD{}, err
	}
	m := BGNBD{
		R: math.Exp(res.x[0]), Alpha: math.Exp(res.x[1]),
		A: math.Exp(res.x[2]), B: math.Exp(res.x[3]),
		LogLik: res.f, N: len(cs),
	}
	for name, v := range map[string]float64{"r": m.R, "alpha": m.Alpha, "a": m.A, "b": m.B} {
		if math.IsInf(v, 0) || math.IsNaN(v) || v == 0 {
			return BGNBD{}, fmt.Errorf("fit BG/NBD on %d customers: parameter %s = %g at the optimum (r %g, alpha %g, a %g, b %g, log-likelihood %g)",
				len(cs), name, v, m.R, m.Alpha, m.A, m.B, m.LogLik)
		}
	}
	return m, nil
}

// bgnbdRow is one distinct (x, t_x, T) with its count. The logarithms of
// alpha+t_x and alpha+T are computed once per distinct value and looked up.
type bgnbdRow struct {
	x      int32 // index into the distinct x values
	tx, tt int32 // indexes into the distinct time values
	w      float64
}

type bgnbdData struct {
	rows  []bgnbdRow
	xs    []float64 // distinct x
	times []float64 // distinct t_x and T values
	n     int
	meanT float64
	meanX float64
	logAT []float64 // scratch: log(alpha + times[i])
	invAT []float64 // scratch: 1/(alpha + times[i])
	perX  []xTerms  // scratch: per distinct x
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
	sums := d.sumRowsParallel(r, alpha, a, grad != nil)
	ll, gr, gal, ga, gb := sums[0], sums[1], sums[2], sums[3], sums[4]
	n := float64(d.n)
	if grad != nil {
		grad[0] = gr * r / n
		grad[1] = gal * alpha / n
		grad[2] = ga * a / n
		grad[3] = gb * b / n
	}
	return ll / n
}

// parallelRows is the number of rows from which the sum is split across
// the processors: below it, starting goroutines costs more than it saves.
const parallelRows = 20000

// sumRowsParallel sums the rows' log-likelihood and gradient terms over
// the processors.
func (d *bgnbdData) sumRowsParallel(r, alpha, a float64, withGrad bool) []float64 {
	return splitSum(len(d.rows), func(lo, hi int) []float64 { return d.sumRows(d.rows[lo:hi], r, alpha, a, withGrad) })
}

// splitSum adds up part(lo, hi) over [0, n) cut into GOMAXPROCS pieces run
// in parallel (one piece below parallelRows), in a fixed order so that the
// same input gives the same sum.
func splitSum[S ~[]float64](n int, part func(lo, hi int) S) S {
	parts := min(runtime.GOMAXPROCS(0), n/parallelRows+1)
	if parts <= 1 {
		return part(0, n)
	}
	res := make([]S, parts)
	var wg sync.WaitGroup
	size := (n + parts - 1) / parts
	for i := range parts {
		wg.Go(func() { res[i] = part(i*size, min((i+1)*size, n)) })
	}
	wg.Wait()
	total := make(S, len(res[0]))
	for _, p := range res {
		for j := range total {
			total[j] += p[j]
		}
	}
	return total
}

// sumRows sums over rows the log-likelihood and the gradient terms in r,
// alpha, a, b (before the chain rule to log-parameters).
func (d *bgnbdData) sumRows(rows []bgnbdRow, r, alpha, a float64, withGrad bool) []float64 {
	var ll, gr, gal, ga, gb float64
	for _, row := range rows {
		t := &d.perX[row.x]
		x := d.xs[row.x]
		rx := r + x
		lT := d.logAT[row.tt]
		l := t.lg - rx*lT
		var w float64 // the share of the "dropped out after t_x" term
		if t.hasX {
			dd := t.logAB - rx*(d.logAT[row.tx]-lT)
			if dd > 0 { // log1p(e^D) without overflow
				e := math.Exp(-dd)
				l += dd + math.Log1p(e)
				w = 1 / (1 + e)
			} else {
				e := math.Exp(dd)
				l += math.Log1p(e)
				w = e / (1 + e)
			}
		}
		ll += row.w * l
		if withGrad {
			gr += row.w * (t.dr - (1-w)*lT - w*d.logAT[row.tx])
			gal += row.w * (r/alpha - rx*((1-w)*d.invAT[row.tt]+w*d.invAT[row.tx]))
			if t.hasX {
				ga += row.w * (t.da + w/a)
				gb += row.w * (t.db - w*t.invBX)
			} else {
				ga += row.w * t.da
				gb += row.w * t.db
			}
		}
	}
	return []float64{ll, gr, gal, ga, gb}
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// PAlive is the probability that the customer is still buying at the end of
// calibration: 1 for a customer who never bought again (in BG/NBD a
// customer can only drop out right after a purchase).
func (m BGNBD) PAlive(c Customer) float64 {
	if c.X == 0 {
		return 1
	}
	return 1 / (1 + math.Exp(m.logOdds(c)))
}

// logOdds is log( a/(b+x-1) * ((α+T)/(α+t_x))^(r+x) ), the odds of having
// dropped out after the last purchase, in logarithms to avoid overflow.
func (m BGNBD) logOdds(c Customer) float64 {
	return math.Log(m.A) - math.Log(m.B+c.X-1) + (m.R+c.X)*(math.Log(m.Alpha+c.T)-math.Log(m.Alpha+c.Tx))
}

// ExpectedPurchases is the conditional expected number of purchases in the
// next t units (equation 10 of Fader, Hardie and Lee 2005).
//
// The paper writes it with 2F1(r+x, b+x; a+b+x-1; z), z = t/(α+T+t); its
// numerator parameters grow with x and the series then converges slowly and
// loses precision, so Euler's transformation
// 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) is used instead: the
// numerator parameters become a+b-1-r and a-1, which do not depend on x.
// It returns NaN when the hypergeometric function is undefined (a+b+x-1 a
// non-positive integer) and for t < 0.
func (m BGNBD) ExpectedPurchases(c Customer, t float64) float64 {
	if t == 0 {
		return 0
	}
	if t < 0 || math.IsNaN(t) {
		return math.NaN()
	}
	cc := m.A + m.B + c.X - 1
	z := t / (m.Alpha + c.T + t)
	var bracket float64
	if math.Abs(m.A-1) < 1e-9 {
		// a = 1 makes (a+b+x-1)/(a-1) infinite and the bracket 0; move off it.
		m.A = 1 + 1e-7
	}
	h := mathext.Hypergeo(m.A+m.B-1-m.R, m.A-1, cc, z)
	bracket = 1 - math.Pow(1-z, m.A-1)*h
	e := cc / (m.A - 1) * bracket
	if c.X > 0 {
		e /= 1 + math.Exp(m.logOdds(c))
	}
	return e
}

// ExpectedPurchasesNew is the expected number of purchases in (0, t] of a
// customer picked at random from the population (equation 7 of the paper):
// what the model expects of a partner with no history yet.
func (m BGNBD) ExpectedPurchasesNew(t float64) float64 {
	if t <= 0 {
		return 0
	}
	z := t / (m.Alpha + t)
	a := m.A
	if math.Abs(a-1) < 1e-9 {
		a = 1 + 1e-7
	}
	// Euler's transformation again: 2F1(r, b; a+b-1; z) = (1-z)^(a-1-r) 2F1(a+b-1-r, a-1; a+b-1; z).
	h := mathext.Hypergeo(a+m.B-1-m.R, a-1, a+m.B-1, z)
	return (a + m.B - 1) / (a - 1) * (1 - math.Pow(1-z, a-1)*h)
}

// MeanDropout is the mean probability of dropping out after a purchase,
// a/(a+b).
func (m BGNBD) MeanDropout() float64 { return m.A / (m.A + m.B) }

// Notes says, in sentences for a log or a report, where the fit sits at a
// boundary of its parameters and which of its outputs not to trust then.
// A converged fit can be one: the likelihood is highest in a limit.
func (m BGNBD) Notes() []string {
	var notes []string
	explained := map[string]bool{}
	if d := m.MeanDropout(); d < 1e-3 {
		notes = append(notes, fmt.Sprintf("the dropout goes to zero (mean dropout per purchase a/(a+b) = %.2g): "+
			"the history shows no customer stopping for good, so p_alive is near 1 for everyone and does not rank customers; expected purchases still do", d))
		explained["a"], explained["b"] = true, true
	}
	if m.R > 1e4 && m.Alpha > 1e4 {
		notes = append(notes, fmt.Sprintf("r and alpha without bound (r %.3g, alpha %.3g): every customer seems to buy at the same rate r/alpha = %.3g per unit",
			m.R, m.Alpha, m.R/m.Alpha))
		explained["r"], explained["alpha"] = true, true
	}
	return append(notes, boundaryNotes(explained, []string{"r", "alpha", "a", "b"}, []float64{m.R, m.Alpha, m.A, m.B})...)
}

// boundaryNotes names the parameters far at an end of their range that no
// specific note explained.
func boundaryNotes(explained map[string]bool, names []string, values []float64) []string {
	var notes []string
	for i, name := range names {
		if v := values[i]; !explained[name] && (v < 1e-5 || v > 1e5) {
			notes = append(notes, fmt.Sprintf("parameter %s = %.3g is at an end of its range: the fit is a limit of the model "+
				"(too few customers, or a history the model does not describe); treat its figures with care", name, v))
		}
	}
	return notes
}
