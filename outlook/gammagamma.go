package outlook

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is a fitted Gamma-Gamma model of the value per purchase (Fader,
// Hardie and Lee 2005, "RFM and CLV"): a customer's purchase values are
// Gamma(P, ν) around their own mean, with ν Gamma(Q, V) across customers.
// It assumes the value of a customer's purchases does not depend on how
// often they buy. LogLik is the log-likelihood at the fit, N the customers
// fitted.
type GammaGamma struct {
	P, Q, V, LogLik float64
	N               int
}

// FitGammaGamma fits the Gamma-Gamma model by maximum likelihood on the
// customers with X > 0 and MeanValue > 0 (the others say nothing about the
// value of a repeat purchase).
func FitGammaGamma(cs []Customer) (GammaGamma, error) {
	d, err := newGGData(cs)
	if err != nil {
		return GammaGamma{}, err
	}
	start := []float64{0, 0, math.Log(d.meanM)}
	res, err := maximize("Gamma-Gamma", d.n, start, d.logLik)
	if err != nil {
		return GammaGamma{}, err
	}
	g := GammaGamma{P: math.Exp(res.x[0]), Q: math.Exp(res.x[1]), V: math.Exp(res.x[2]), LogLik: res.f, N: d.n}
	for name, v := range map[string]float64{"p": g.P, "q": g.Q, "v": g.V} {
		if math.IsInf(v, 0) || math.IsNaN(v) || v == 0 {
			return GammaGamma{}, fmt.Errorf("fit Gamma-Gamma on %d customers: parameter %s = %g at the optimum (p %g, q %g, v %g, log-likelihood %g)",
				d.n, name, v, g.P, g.Q, g.V, g.LogLik)
		}
	}
	return g, nil
}

type ggRow struct {
	x       int32   // index into the distinct x values
	logM, m float64 // mean value and its logarithm
}

type ggData struct {
	rows  []ggRow
	xs    []float64
	logXs []float64
	n     int
	meanM float64
}

func newGGData(cs []Customer) (*ggData, error) {
	d := &ggData{}
	xIdx := map[float64]int32{}
	for _, c := range cs {
		if err := checkCustomer(c); err != nil {
			return nil, fmt.Errorf("fit Gamma-Gamma: %w", err)
		}
		if c.X == 0 || c.MeanValue == 0 {
			continue
		}
		i, ok := xIdx[c.X]
		if !ok {
			i = int32(len(d.xs))
			xIdx[c.X] = i
			d.xs = append(d.xs, c.X)
			d.logXs = append(d.logXs, math.Log(c.X))
		}
		d.rows = append(d.rows, ggRow{x: i, m: c.MeanValue, logM: math.Log(c.MeanValue)})
		d.meanM += c.MeanValue
	}
	d.n = len(d.rows)
	if d.n < 2 {
		return nil, errors.New("fit Gamma-Gamma: fewer than 2 customers with repeat purchases of positive value")
	}
	d.meanM /= float64(d.n)
	return d, nil
}

// logLik returns the mean log-likelihood and its gradient with respect to
// (log p, log q, log v). Per customer with x repeat purchases of mean m:
// LL = lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(xm+v).
func (d *ggData) logLik(par []float64, grad []float64) float64 {
	p, q, v := math.Exp(par[0]), math.Exp(par[1]), math.Exp(par[2])
	lgQ, dgQ, logV := lgamma(q), mathext.Digamma(q), math.Log(v)
	type xTerm struct{ lg, dgPXQ, dgPX float64 }
	terms := make([]xTerm, len(d.xs))
	for i, x := range d.xs {
		terms[i] = xTerm{
			lg:    lgamma(p*x+q) - lgamma(p*x) - lgQ + q*logV + p*x*d.logXs[i],
			dgPXQ: mathext.Digamma(p*x + q),
			dgPX:  mathext.Digamma(p * x),
		}
	}
	sum := func(rows []ggRow) []float64 {
		var ll, gp, gq, gv float64
		for _, row := range rows {
			t := &terms[row.x]
			x := d.xs[row.x]
			s := x*row.m + v
			ls := math.Log(s)
			ll += t.lg + (p*x-1)*row.logM - (p*x+q)*ls
			if grad != nil {
				gp += x * (t.dgPXQ - t.dgPX + row.logM + d.logXs[row.x] - ls)
				gq += t.dgPXQ - dgQ + logV - ls
				gv += q/v - (p*x+q)/s
			}
		}
		return []float64{ll, gp, gq, gv}
	}
	sums := splitSum(len(d.rows), func(lo, hi int) []float64 { return sum(d.rows[lo:hi]) })
	ll, gp, gq, gv := sums[0], sums[1], sums[2], sums[3]
	n := float64(d.n)
	if grad != nil {
		grad[0], grad[1], grad[2] = gp*p/n, gq*q/n, gv*v/n
	}
	return ll / n
}

// ExpectedValue is the conditional expected value of one purchase of the
// customer: a weighted mean of the population mean and the customer's own
// mean value, the more purchases the more weight on their own. For a
// customer without repeat purchases it is the population mean p·v/(q-1),
// which is infinite (returned as NaN) when q <= 1.
func (g GammaGamma) ExpectedValue(c Customer) float64 {
	if c.X == 0 || c.MeanValue == 0 {
		return g.PopulationMean()
	}
	return g.P * (g.V + c.X*c.MeanValue) / (g.P*c.X + g.Q - 1)
}

// PopulationMean is the mean value per purchase across customers, p·v/(q-1),
// or NaN when q <= 1 (the mean does not exist).
func (g GammaGamma) PopulationMean() float64 {
	if g.Q <= 1 {
		return math.NaN()
	}
	return g.P * g.V / (g.Q - 1)
}

// FrequencyValueCorrelation is the Pearson correlation between the number
// of repeat purchases and the mean value per purchase over the customers
// with a repeat purchase of positive value: Gamma-Gamma assumes the two
// independent, so a correlation far from 0 says its expected values lean
// the wrong way. NaN with fewer than 2 such customers or no variation.
func FrequencyValueCorrelation(cs []Customer) float64 {
	var n, sx, sm, sxx, smm, sxm float64
	for _, c := range cs {
		if c.X == 0 || c.MeanValue <= 0 {
			continue
		}
		n++
		sx, sm = sx+c.X, sm+c.MeanValue
		sxx, smm, sxm = sxx+c.X*c.X, smm+c.MeanValue*c.MeanValue, sxm+c.X*c.MeanValue
	}
	if n < 2 {
		return math.NaN()
	}
	cov := sxm - sx*sm/n
	vx, vm := sxx-sx*sx/n, smm-sm*sm/n
	if vx <= 0 || vm <= 0 {
		return math.NaN()
	}
	return cov / math.Sqrt(vx*vm)
}
