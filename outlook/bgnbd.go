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
