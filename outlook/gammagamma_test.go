package outlook

import (
	"math"
	"strings"
	"testing"
)

func TestGammaGammaExpectedValue(t *testing.T) {
	t.Parallel()
	g := GammaGamma{P: 6.25, Q: 3.74, V: 15.45}
	pop := 6.25 * 15.45 / 2.74
	if v := g.ExpectedValue(Customer{X: 0}); math.Abs(v-pop) > 1e-12 {
		t.Errorf("no repeat purchase: %g, want the population mean %g", v, pop)
	}
	// A weighted mean of the population mean and the customer's own: the
	// more purchases, the closer to its own.
	one, many := g.ExpectedValue(Customer{X: 1, MeanValue: 100}), g.ExpectedValue(Customer{X: 50, MeanValue: 100})
	if !(pop < one && one < many && many < 100 && 100-many < 2) {
		t.Errorf("own mean 100: x=1 %g, x=50 %g (population %g)", one, many, pop)
	}
	w := g.P * 1 / (g.P*1 + g.Q - 1) // the weight of the own mean, x = 1
	if want := w*100 + (1-w)*pop; math.Abs(one-want) > 1e-9 {
		t.Errorf("x=1: %g, want %g", one, want)
	}
	if v := (GammaGamma{P: 1, Q: 0.9, V: 10}).ExpectedValue(Customer{}); !math.IsNaN(v) {
		t.Errorf("q <= 1: population mean %g, want NaN", v)
	}
}

func TestFitGammaGammaErrors(t *testing.T) {
	t.Parallel()
	_, err := FitGammaGamma([]Customer{{ID: "a", X: 1, Tx: 1, T: 2, MeanValue: 10}, {ID: "b", T: 3}})
	if err == nil || !strings.Contains(err.Error(), "fewer than 2 customers") {
		t.Errorf("got %v", err)
	}
	_, err = FitGammaGamma([]Customer{{ID: "z", X: 1, Tx: 1, T: 2, MeanValue: math.Inf(1)}})
	if err == nil || !strings.Contains(err.Error(), `customer "z"`) {
		t.Errorf("got %v", err)
	}
}
