package outlook

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// cdnowFit is the published fit of the CDNOW sample.
var cdnowFit = BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}

// cdnowGG is the published Gamma-Gamma fit of the CDNOW repeat buyers.
var cdnowGG = GammaGamma{P: 6.25, Q: 3.74, V: 15.45}

// paperExpected is equation 10 of the paper as printed, with the
// hypergeometric function of the untransformed parameters.
func paperExpected(m BGNBD, c Customer, t float64) float64 {
	z := t / (m.Alpha + c.T + t)
	h := mathext.Hypergeo(m.R+c.X, m.B+c.X, m.A+m.B+c.X-1, z)
	e := (m.A + m.B + c.X - 1) / (m.A - 1) * (1 - math.Pow((m.Alpha+c.T)/(m.Alpha+c.T+t), m.R+c.X)*h)
	if c.X > 0 {
		e /= 1 + m.A/(m.B+c.X-1)*math.Pow((m.Alpha+c.T)/(m.Alpha+c.Tx), m.R+c.X)
	}
	return e
}

func TestExpectedPurchasesMatchesPaper(t *testing.T) {
	t.Parallel()
	models := []BGNBD{cdnowFit, {R: 2, Alpha: 10, A: 3, B: 5}, {R: 0.5, Alpha: 30, A: 1e-4, B: 0.2}}
	customers := []Customer{
		{X: 0, Tx: 0, T: 38.86},
		{X: 2, Tx: 30.43, T: 38.86},
		{X: 1, Tx: 1.71, T: 38.86},
		{X: 7, Tx: 35, T: 36},
		{X: 15, Tx: 20, T: 50},
	}
	for _, m := range models {
		for _, c := range customers {
			for _, h := range []float64{1, 13, 39} {
				got, want := m.ExpectedPurchases(c, h), paperExpected(m, c, h)
				if math.IsNaN(got) || math.Abs(got-want) > 1e-8*math.Max(1, math.Abs(want)) {
					t.Errorf("%+v %+v t=%g: got %.12g, paper %.12g", m, c, h, got, want)
				}
			}
		}
	}
	// The paper's example: a customer with x 2, t_x 30.43, T 38.86 is
	// expected to make 1.226 purchases in the next 39 weeks.
	if got := cdnowFit.ExpectedPurchases(Customer{X: 2, Tx: 30.43, T: 38.86}, 39); math.Abs(got-1.226) > 0.001 {
		t.Errorf("paper example: %.4f, want 1.226", got)
	}
}

// TestExpectedPurchasesLargeX is the case the transformation exists for: a
// very frequent buyer, where the untransformed series is slow and fragile.
func TestExpectedPurchasesLargeX(t *testing.T) {
	t.Parallel()
	c := Customer{X: 300, Tx: 103, T: 104}
	for _, h := range []float64{0, 1, 13, 52} {
		got := cdnowFit.ExpectedPurchases(c, h)
		// Alive almost surely and a posterior rate of about (r+x)/(alpha+T): the expectation is close to rate*t.
		rate := (cdnowFit.R + c.X) / (cdnowFit.Alpha + c.T)
		if math.IsNaN(got) || got > rate*h+1e-9 || got < 0.8*rate*h {
			t.Errorf("t=%g: %g, want about %g", h, got, rate*h)
		}
	}
}

func TestPAlive(t *testing.T) {
	t.Parallel()
	m := cdnowFit
	if p := m.PAlive(Customer{X: 0, T: 30}); p != 1 {
		t.Errorf("no repeat purchase: p_alive %g, want 1", p)
	}
	recent := m.PAlive(Customer{X: 4, Tx: 37, T: 38})
	old := m.PAlive(Customer{X: 4, Tx: 5, T: 38})
	if !(recent > 0.8 && old < 0.2 && old > 0) {
		t.Errorf("p_alive recent %g, old %g", recent, old)
	}
	// No overflow for a long silence after many purchases.
	if p := m.PAlive(Customer{X: 400, Tx: 1, T: 500}); p != 0 && !(p > 0 && p < 1e-10) {
		t.Errorf("p_alive after long silence %g", p)
	}
}

func TestFitBGNBDErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cs   []Customer
		want string
	}{
		{"none", nil, "no customers"},
		{"tx after T", []Customer{{ID: "c1", X: 1, Tx: 5, T: 4}}, `customer "c1": t_x 5 after T 4`},
		{"fraction", []Customer{{ID: "c2", X: 1.5, Tx: 1, T: 4}}, "not a whole number"},
		{"negative", []Customer{{ID: "c3", X: 1, Tx: 1, T: -4}}, "must be finite and >= 0"},
		{"no time", []Customer{{ID: "c4"}}, "T = 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := FitBGNBD(tt.cs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestFitBoundary: everyone buys every week to the end, so the dropout
// never shows and the rates have no spread: the likelihood is highest in a
// limit, and Notes says so.
func TestFitBoundary(t *testing.T) {
	t.Parallel()
	m, err := FitBGNBD([]Customer{{ID: "a", X: 10, Tx: 10, T: 10}, {ID: "b", X: 10, Tx: 10, T: 10}})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(m.Notes(), "\n")
	if !strings.Contains(notes, "dropout goes to zero") || !strings.Contains(notes, "same rate r/alpha = 1 ") {
		t.Errorf("fit %+v, notes %q", m, notes)
	}
	if n := cdnowFit.Notes(); len(n) != 0 {
		t.Errorf("CDNOW fit: notes %q, want none", n)
	}
}

// TestMaximizeFails: an objective without a maximum is a failed fit whose
// error carries the numbers.
func TestMaximizeFails(t *testing.T) {
	t.Parallel()
	_, err := maximize("test", 10, []float64{0, 0}, func(p, grad []float64) float64 {
		if grad != nil {
			grad[0], grad[1] = 1, 0
		}
		return p[0]
	})
	if err == nil || !strings.Contains(err.Error(), "fit test on 10 customers: ") || !strings.Contains(err.Error(), "log-likelihood") {
		t.Errorf("got %v", err)
	}
}

// TestExpectedPurchasesReference compares with equation 10 evaluated at 30
// digits by mpmath (hyp2f1 of the untransformed parameters), including the
// hard corners: a+b < 1 with x = 0 (the hypergeometric's c is negative),
// a dropout near zero (a fit on UCI), and x = 300.
func TestExpectedPurchasesReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m    BGNBD
		c    Customer
		t    float64
		want float64
	}{
		{BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}, Customer{X: 0, T: 38.86}, 39, 0.194786550387155},
		{BGNBD{R: 0.5, Alpha: 2, A: 0.3, B: 0.4}, Customer{X: 0, T: 30}, 52, 0.592565327417738},
		{BGNBD{R: 0.5, Alpha: 2, A: 0.3, B: 0.4}, Customer{X: 1, Tx: 3, T: 30}, 52, 0.148412980192185},
		{BGNBD{R: 0.7442, Alpha: 9.047, A: 1.3e-5, B: 1960.57}, Customer{X: 5, Tx: 20, T: 30}, 13, 1.91242852824615},
		{BGNBD{R: 0.7442, Alpha: 9.047, A: 1.3e-5, B: 1960.57}, Customer{X: 0, T: 30}, 13, 0.247768073894974},
		{BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.43}, Customer{X: 300, Tx: 103, T: 104}, 52, 117.746427300641},
		{BGNBD{R: 1.2, Alpha: 0.5, A: 0.2, B: 0.1}, Customer{X: 0, T: 100}, 200, 1.18869944661227},
	}
	for _, tt := range tests {
		if got := tt.m.ExpectedPurchases(tt.c, tt.t); !(math.Abs(got-tt.want) <= 1e-9*tt.want) {
			t.Errorf("%+v %+v t=%g: %.15g, want %.15g", tt.m, tt.c, tt.t, got, tt.want)
		}
	}
}

func TestExpectedPurchasesNew(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		m       BGNBD
		t, want float64
	}{
		{cdnowFit, 39, 1.1950518784095}, // mpmath, 30 digits
		{BGNBD{R: 0.5, Alpha: 2, A: 0.3, B: 0.4}, 52, 4.39779421499331},
		{cdnowFit, 0, 0},
	} {
		if got := tt.m.ExpectedPurchasesNew(tt.t); math.Abs(got-tt.want) > 1e-9*math.Max(tt.want, 1) {
			t.Errorf("%+v t=%g: %.15g, want %.15g", tt.m, tt.t, got, tt.want)
		}
	}
}

// TestExpectedPurchasesBoundaryFit: a fit at its boundary, a and b run off
// together (the sample's 2025-08, where every partner's expectation came
// out NaN before). The references are equation 10 and equation 7 computed
// with 50 digits (mpmath's hyp2f1 and the series summed exactly); and as
// a and b grow with a/(a+b) = p fixed, the expectation tends to that of a
// dropout of p for all: P(alive) (1 - ((α+T)/(α+T+pt))^(r+x)) / p.
func TestExpectedPurchasesBoundaryFit(t *testing.T) {
	t.Parallel()
	m := BGNBD{R: 3.6764133996422603, Alpha: 11.562870508038811, A: 112029.45237835083, B: 10380779.659539958}
	tests := []struct {
		c       Customer
		t, want float64
	}{
		{Customer{X: 0, Tx: 0, T: 40}, 13, 0.92109080691582331},
		{Customer{X: 0, Tx: 0, T: 40}, 52, 3.6161059893718168},
		{Customer{X: 3, Tx: 20, T: 43}, 13, 1.1116390589917257},
		{Customer{X: 3, Tx: 20, T: 43}, 52, 4.3197525534254746},
		{Customer{X: 20, Tx: 42, T: 43}, 52, 19.634017639692311},
		{Customer{X: 40, Tx: 43, T: 43.4}, 13, 9.6265721369874049},
		{Customer{X: 5, Tx: 5, T: 43}, 52, 0.023420850186072799},
	}
	for _, tt := range tests {
		if got := m.ExpectedPurchases(tt.c, tt.t); !(math.Abs(got-tt.want) <= 1e-12*tt.want) {
			t.Errorf("%+v t=%g: got %.17g, want %.17g", tt.c, tt.t, got, tt.want)
		}
	}
	for _, tt := range []struct{ t, want float64 }{{13, 4.019919667986448}, {52, 14.833256651158959}} {
		if got := m.ExpectedPurchasesNew(tt.t); !(math.Abs(got-tt.want) <= 1e-12*tt.want) {
			t.Errorf("new, t=%g: got %.17g, want %.17g", tt.t, got, tt.want)
		}
	}
	const p = 0.0107
	for _, a := range []float64{1e7, 1e9} {
		m := BGNBD{R: 2.5, Alpha: 10, A: a, B: a * (1 - p) / p}
		for _, c := range []Customer{{X: 0, T: 50}, {X: 4, Tx: 30, T: 50}, {X: 60, Tx: 49, T: 50}} {
			alive := 1.0
			if c.X > 0 {
				alive = 1 / (1 + p/(1-p)*math.Pow((m.Alpha+c.T)/(m.Alpha+c.Tx), m.R+c.X))
			}
			want := alive * (1 - math.Pow((m.Alpha+c.T)/(m.Alpha+c.T+p*52), m.R+c.X)) / p
			if got := m.ExpectedPurchases(c, 52); !(math.Abs(got-want) <= 1e-4*want) {
				t.Errorf("a=%g %+v: got %.10g, the fixed-dropout limit %.10g", a, c, got, want)
			}
		}
	}
}
