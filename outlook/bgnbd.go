// Package outlook provides the models of customer-base analysis that give
// the forward view of a partner: BG/NBD (Fader, Hardie and Lee 2005) for the
// number of repeat purchases and the probability of still buying, and
// Gamma-Gamma for the value per purchase, fitted by maximum likelihood.
package outlook

import (
	"fmt"
	"math"

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
// needs (X, Tx, T), so the customers without repeat purchase (the bulk)
// that share a T are fitted as one weighted row. It fails on invalid input or when the optimiser does not
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
// next t units (equation 10 of Fader, Hardie and Lee 2005). It returns NaN
// when the hypergeometric function is undefined (a+b+x-1 a non-positive
// integer) and for t < 0.
func (m BGNBD) ExpectedPurchases(c Customer, t float64) float64 {
	if t == 0 {
		return 0
	}
	if t < 0 || math.IsNaN(t) {
		return math.NaN()
	}
	cc := m.A + m.B + c.X - 1
	if math.Abs(m.A-1) < 1e-9 {
		// a = 1 makes (a+b+x-1)/(a-1) infinite and the bracket 0; move off it.
		m.A = 1 + 1e-7
	}
	z := t / (m.Alpha + c.T + t)
	e := cc / (m.A - 1) * bracket(m.R+c.X, m.B+c.X, cc, z, m.A+m.B-1-m.R, m.A-1)
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
	a := m.A
	if math.Abs(a-1) < 1e-9 {
		a = 1 + 1e-7
	}
	return (a + m.B - 1) / (a - 1) * bracket(m.R, m.B, a+m.B-1, t/(m.Alpha+t), a+m.B-1-m.R, a-1)
}

// bracket is 1 - (1-z)^p 2F1(p, q; s; z), the factor equations 7 and 10
// share (p = r+x, q = b+x, s = a+b+x-1); ep and eq are Euler's numerator
// parameters s-p and s-q, passed as the callers computed them before
// (a+b-1-r and a-1) rather than subtracted here, so the published
// figures of every fit Euler's form handles keep their last bits.
//
// The paper's 2F1 has numerator parameters that grow with x: its series
// then converges slowly and loses precision. Euler's transformation
// 2F1(p, q; s; z) = (1-z)^(s-p-q) 2F1(s-p, s-q; s; z) gives numerator
// parameters that do not depend on x, and the bracket
// 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; s; z). That form fails when a is large:
// a fit at its boundary, where a and b run off together (the sample's
// 2025-08: a = 112,029, b = 10,380,780; the dropout is then the same for
// every partner), makes (1-z)^(a-1) underflow and the 2F1 overflow, and
// the bracket NaN, after gonum has spent about a millisecond on it. There
// the paper's series is the quick one: its terms are positive and shrink by
// about (p+k)/(k+1) * b/(a+b) * z (TestExpectedPurchasesBoundaryFit).
func bracket(p, q, s, z, ep, eq float64) float64 {
	if eq*-math.Log1p(-z) < 700 { // (1-z)^(a-1) above 1e-304
		if v := 1 - math.Pow(1-z, eq)*mathext.Hypergeo(ep, eq, s, z); !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v
		}
	}
	f := hyp2f1Series(p, q, s, z)
	return 1 - math.Exp(p*math.Log1p(-z)+math.Log(f))
}

// hyp2f1Series sums the series of 2F1(p, q; s; z) for p, q, s > 0 and
// 0 <= z < 1, whose terms are all positive; NaN outside that domain or when
// 100,000 terms do not reach the precision of a float64.
func hyp2f1Series(p, q, s, z float64) float64 {
	if !(p > 0 && q > 0 && s > 0 && z >= 0 && z < 1) {
		return math.NaN()
	}
	sum, term := 1.0, 1.0
	for k := 0.0; k < 100_000; k++ {
		term *= (p + k) / (k + 1) * (q + k) / (s + k) * z
		sum += term
		if term <= sum*0x1p-53 {
			return sum
		}
		if math.IsInf(sum, 0) {
			break
		}
	}
	return math.NaN()
}

// MeanDropout is the mean probability of dropping out after a purchase,
// a/(a+b).
func (m BGNBD) MeanDropout() float64 { return m.A / (m.A + m.B) }
