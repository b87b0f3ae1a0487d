package outlook

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/channelscope/channelscope/diag"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	txs := []Transaction{
		{"a", at("2024-01-01 09:00:00"), 10},
		{"a", at("2024-01-01 17:00:00"), 5}, // same day: one purchase of 15
		{"a", at("2024-01-15 10:00:00"), 20},
		{"a", at("2024-01-29 10:00:00"), 40},
		{"a", at("2024-02-05 10:00:00"), -7}, // a day of returns only: no purchase
		{"a", at("2024-03-04 10:00:00"), 9},  // holdout
		{"a", at("2024-04-01 10:00:00"), 9},  // after the holdout end
		{"b", at("2024-01-08 00:00:00"), 0},  // free goods: a purchase
		{"b", at("2024-01-22 00:00:00"), 30},
		{"b", at("2024-01-22 12:00:00"), -30}, // nets to 0 that day: still a purchase day
		{"c", at("2024-02-20 00:00:00"), 50},  // first buys after the calibration end
	}
	p, err := Summarize(txs, day("2024-02-12"), day("2024-03-11"), Week)
	if err != nil {
		t.Fatal(err)
	}
	want := []Customer{
		{ID: "a", X: 2, Tx: 4, T: 6, MeanValue: 30},
		{ID: "b", X: 1, Tx: 2, T: 5, MeanValue: 0},
	}
	if len(p.Customers) != len(want) {
		t.Fatalf("customers %+v, want %+v", p.Customers, want)
	}
	for i, w := range want {
		if p.Customers[i] != w {
			t.Errorf("customer %d: %+v, want %+v", i, p.Customers[i], w)
		}
	}
	if p.Holdout[0] != 1 || p.Holdout[1] != 0 || p.HoldoutLength != 4 {
		t.Errorf("holdout %v, length %g; want [1 0], 4", p.Holdout, p.HoldoutLength)
	}
	if p.AfterEnd != 1 || p.ReturnDays != 1 || p.LateCustomers != 1 {
		t.Errorf("after end %d, return days %d, late customers %d; want 1, 1, 1", p.AfterEnd, p.ReturnDays, p.LateCustomers)
	}
	d, err := Summarize(txs, day("2024-02-12"), time.Time{}, Day)
	if err != nil {
		t.Fatal(err)
	}
	if c := d.Customers[0]; c.Tx != 28 || c.T != 42 || d.HoldoutLength != 0 || d.AfterEnd != 3 {
		t.Errorf("in days without holdout: %+v, length %g, after end %d", c, d.HoldoutLength, d.AfterEnd)
	}
	if _, err := Summarize(txs, day("2024-02-12"), day("2024-02-12"), Week); err == nil {
		t.Error("a holdout ending at the calibration end: no error")
	}
}

func TestAUC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scores []float64
		pos    []bool
		want   float64
	}{
		{[]float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1},
		{[]float64{1, 2, 3, 4}, []bool{true, true, false, false}, 0},
		{[]float64{1, 1, 1, 1}, []bool{true, false, true, false}, 0.5},
		{[]float64{1, 2, 2, 3}, []bool{false, true, false, true}, 0.875}, // 3.5 of 4 pairs
		{[]float64{1, 2}, []bool{true, true}, math.NaN()},
	}
	for _, tt := range tests {
		got, err := AUC(tt.scores, tt.pos)
		if err != nil || !(got == tt.want || math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("AUC(%v, %v) = %g, %v; want %g", tt.scores, tt.pos, got, err, tt.want)
		}
	}
	if _, err := AUC([]float64{1}, nil); err == nil {
		t.Error("lengths differ: no error")
	}
}

func TestReadTransactions(t *testing.T) {
	t.Parallel()
	txs, err := ReadTransactions(strings.NewReader("\ufeffAmount,note,customer_id,date\n12.5,x,P1,2024-01-02\n-3,,P2,2024-01-03T10:11:12\n"), "tx.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(txs) != 2 || txs[0] != (Transaction{"P1", day("2024-01-02"), 12.5}) || txs[1].Amount != -3 || dayNumber(txs[1].Time) != dayNumber(day("2024-01-03")) {
		t.Errorf("got %+v", txs)
	}
	for _, tt := range []struct{ in, want string }{
		{"", "tx.csv:1: empty file"},
		{"customer_id,date\n", `tx.csv:1:1: header "customer_id,date" has no column "amount"`},
		{"customer_id,date,amount\n,2024-01-02,1\n", "tx.csv:2:1: empty customer_id"},
		{"customer_id,date,amount\nP1,2024-01-02,NaN\n", `tx.csv:2:15: amount "NaN" is not a number`},
		{"customer_id,date,amount\nP1,\"2024-01-02,1\n", "tx.csv:2:18: extraneous or missing \" in quoted-field"},
	} {
		_, err := ReadTransactions(strings.NewReader(tt.in), "tx.csv")
		var de *diag.Error
		if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want a diag.Error with %q", tt.in, err, tt.want)
		}
	}
}

// The report is JSON even where a figure does not exist (NaN -> null).
func TestReportJSON(t *testing.T) {
	t.Parallel()
	r := Report{
		GammaGamma: GammaGammaReport{P: 1, Q: 2, V: 3, N: 2, Correlation: math.NaN()},
		Holdout:    &HoldoutReport{Customers: 2, AUCExpected: math.NaN(), AUCAlive: 0.5, AUCAliveRepeat: math.NaN()},
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"frequency_value_correlation":null`, `"auc_expected":null`, `"auc_alive":0.5`, `"auc_alive_repeat":null`, `"customers":2`, `"p":1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s: no %s", b, want)
		}
	}
	if strings.Count(string(b), `"auc_expected"`) != 1 {
		t.Errorf("%s: auc_expected twice", b)
	}
}

func TestFrequencyValueCorrelation(t *testing.T) {
	t.Parallel()
	cs := []Customer{{X: 1, MeanValue: 10}, {X: 2, MeanValue: 20}, {X: 3, MeanValue: 30}, {X: 0, MeanValue: 0}}
	if c := FrequencyValueCorrelation(cs); math.Abs(c-1) > 1e-12 {
		t.Errorf("got %g, want 1", c)
	}
	if c := FrequencyValueCorrelation(cs[:1]); !math.IsNaN(c) {
		t.Errorf("one customer: %g, want NaN", c)
	}
}
