package outlook

import (
	"encoding/json"
	"fmt"
	"math"
)

// Report is what `channelscope forecast` prints: both fits and, with a
// holdout, how the forecast compares with what the customers really did.
type Report struct {
	BGNBD      BGNBDReport      `json:"bgnbd"`
	GammaGamma GammaGammaReport `json:"gamma_gamma"`
	Holdout    *HoldoutReport   `json:"holdout,omitempty"`
}

type BGNBDReport struct {
	R      float64 `json:"r"`
	Alpha  float64 `json:"alpha"`
	A      float64 `json:"a"`
	B      float64 `json:"b"`
	LogLik float64 `json:"loglik"`
	N      int     `json:"n"`
}

// Model is the fitted model the report shows.
func (r BGNBDReport) Model() BGNBD {
	return BGNBD{R: r.R, Alpha: r.Alpha, A: r.A, B: r.B, LogLik: r.LogLik, N: r.N}
}

type GammaGammaReport struct {
	P float64 `json:"p"`
	Q float64 `json:"q"`
	V float64 `json:"v"`
	N int     `json:"n"`
	// Added to the fields: the check of the model's assumption
	// that value and frequency are independent (FrequencyValueCorrelation).
	Correlation float64 `json:"frequency_value_correlation"`
}

// Model is the fitted model the report shows.
func (r GammaGammaReport) Model() GammaGamma {
	return GammaGamma{P: r.P, Q: r.Q, V: r.V, N: r.N}
}

// HoldoutReport compares the forecast for the holdout with what happened.
// Purchases are purchase days; MAE is the mean absolute error per customer
// of the model and of the naive forecast (each customer's calibration
// repeat rate x/T times the holdout length); the AUCs rank "bought at
// least once in the holdout" by expected purchases and by p_alive.
type HoldoutReport struct {
	Customers          int     `json:"customers"`
	ActualPurchases    float64 `json:"actual_purchases"`
	PredictedPurchases float64 `json:"predicted_purchases"`
	MAE                float64 `json:"mae"`
	NaiveMAE           float64 `json:"naive_mae"`
	AUCExpected        float64 `json:"auc_expected"`
	AUCAlive           float64 `json:"auc_alive"`
	// Added to the fields: the naive forecast's total and the root
	// mean squared errors. MAE rewards forecasting 0 for the many customers
	// who buy nothing (the median), RMSE rewards the expectation the model
	// gives; on real data the model can lose on one and win on the other.
	NaivePurchases float64 `json:"naive_predicted_purchases"`
	RMSE           float64 `json:"rmse"`
	NaiveRMSE      float64 `json:"naive_rmse"`
	// AUCAliveRepeat is auc_alive among the customers with a repeat
	// purchase: p_alive is 1 by construction for the others (BG/NBD lets a
	// customer drop out only after a repeat purchase), which are also the
	// least likely to buy, so over everyone p_alive ranks badly.
	AUCAliveRepeat float64 `json:"auc_alive_repeat"`
}

// MarshalJSON writes an AUC that does not exist (nobody, or everybody,
// bought in the holdout) as null: JSON has no NaN.
func (h HoldoutReport) MarshalJSON() ([]byte, error) {
	type plain HoldoutReport // without this method
	return json.Marshal(struct {
		plain
		AUCExpected *float64 `json:"auc_expected"`
		AUCAlive    *float64 `json:"auc_alive"`
		AUCRepeat   *float64 `json:"auc_alive_repeat"`
	}{plain(h), nullable(h.AUCExpected), nullable(h.AUCAlive), nullable(h.AUCAliveRepeat)})
}

// MarshalJSON writes a correlation that does not exist as null.
func (r GammaGammaReport) MarshalJSON() ([]byte, error) {
	type plain GammaGammaReport
	return json.Marshal(struct {
		plain
		Correlation *float64 `json:"frequency_value_correlation"`
	}{plain(r), nullable(r.Correlation)})
}

// nullable is v, or nil for NaN (null in JSON).
func nullable(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

// Backtest fits both models on the panel's calibration and, when the panel
// has a holdout, scores the forecast against it.
func Backtest(p Panel) (Report, error) {
	m, err := FitBGNBD(p.Customers)
	if err != nil {
		return Report{}, err
	}
	g, err := FitGammaGamma(p.Customers)
	if err != nil {
		return Report{}, err
	}
	r := Report{
		BGNBD:      BGNBDReport{R: m.R, Alpha: m.Alpha, A: m.A, B: m.B, LogLik: m.LogLik, N: m.N},
		GammaGamma: GammaGammaReport{P: g.P, Q: g.Q, V: g.V, N: g.N, Correlation: FrequencyValueCorrelation(p.Customers)},
	}
	if p.HoldoutLength > 0 {
		h, err := Evaluate(m, p)
		if err != nil {
			return Report{}, err
		}
		r.Holdout = &h
	}
	return r, nil
}

// Evaluate scores the model's forecast for the panel's holdout.
func Evaluate(m BGNBD, p Panel) (HoldoutReport, error) {
	n := len(p.Customers)
	if len(p.Holdout) != n || p.HoldoutLength <= 0 {
		return HoldoutReport{}, fmt.Errorf("evaluate: panel without holdout (%d customers, %d holdout counts, length %g)", n, len(p.Holdout), p.HoldoutLength)
	}
	h := HoldoutReport{Customers: n}
	expected := make([]float64, n)
	alive := make([]float64, n)
	bought := make([]bool, n)
	for i, c := range p.Customers {
		e := m.ExpectedPurchases(c, p.HoldoutLength)
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return HoldoutReport{}, fmt.Errorf("evaluate: expected purchases of customer %q is %g (x %g, t_x %g, T %g; r %g, alpha %g, a %g, b %g)",
				c.ID, e, c.X, c.Tx, c.T, m.R, m.Alpha, m.A, m.B)
		}
		naive := 0.0
		if c.T > 0 {
			naive = c.X / c.T * p.HoldoutLength
		}
		actual := p.Holdout[i]
		expected[i], alive[i], bought[i] = e, m.PAlive(c), actual > 0
		h.ActualPurchases += actual
		h.PredictedPurchases += e
		h.MAE += math.Abs(e - actual)
		h.NaiveMAE += math.Abs(naive - actual)
		h.NaivePurchases += naive
		h.RMSE += (e - actual) * (e - actual)
		h.NaiveRMSE += (naive - actual) * (naive - actual)
	}
	h.MAE /= float64(n)
	h.NaiveMAE /= float64(n)
	h.RMSE = math.Sqrt(h.RMSE / float64(n))
	h.NaiveRMSE = math.Sqrt(h.NaiveRMSE / float64(n))
	var err error
	if h.AUCExpected, err = AUC(expected, bought); err != nil {
		return HoldoutReport{}, fmt.Errorf("evaluate: %w", err)
	}
	if h.AUCAlive, err = AUC(alive, bought); err != nil {
		return HoldoutReport{}, fmt.Errorf("evaluate: %w", err)
	}
	var aliveR []float64
	var boughtR []bool
	for i, c := range p.Customers {
		if c.X > 0 {
			aliveR, boughtR = append(aliveR, alive[i]), append(boughtR, bought[i])
		}
	}
	if h.AUCAliveRepeat, err = AUC(aliveR, boughtR); err != nil {
		return HoldoutReport{}, fmt.Errorf("evaluate: %w", err)
	}
	return h, nil
}
