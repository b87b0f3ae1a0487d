package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
)

// TestForecastCDNOW: the command reproduces the published CDNOW figures
// from the raw purchases (../shared/realdata, skipped without it), written
// as the CSV an analyst would give it.
func TestForecastCDNOW(t *testing.T) {
	t.Parallel()
	in, err := os.Open(fixture.RealData(t, "cdnow/CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var csv bytes.Buffer
	csv.WriteString("customer_id,date,amount\n")
	sc := bufio.NewScanner(in)
	for sc.Scan() { // customer, id in the master, YYYYMMDD, CDs, dollars
		f := strings.Fields(sc.Text())
		fmt.Fprintf(&csv, "%s,%s-%s-%s,%s\n", f[0], f[2][:4], f[2][4:6], f[2][6:], f[4])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cdnow.csv")
	if err := os.WriteFile(file, csv.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"forecast", "--transactions", file, "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30"},
		strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var got struct {
		BGNBD struct {
			R, Alpha, A, B, Loglik float64
			N                      int
		}
		GammaGamma struct {
			P, Q, V float64
			N       int
		} `json:"gamma_gamma"`
		Holdout struct {
			Customers          int
			ActualPurchases    float64 `json:"actual_purchases"`
			PredictedPurchases float64 `json:"predicted_purchases"`
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, stdout.String())
	}
	for _, c := range []struct {
		name                 string
		got, want, tolerance float64
	}{
		{"r", got.BGNBD.R, 0.2426, 0.01}, {"alpha", got.BGNBD.Alpha, 4.4135, 0.01},
		{"a", got.BGNBD.A, 0.7929, 0.01}, {"b", got.BGNBD.B, 2.4258, 0.01}, {"loglik", got.BGNBD.Loglik, -9582.4, 0.01},
		{"p", got.GammaGamma.P, 6.25, 0.02}, {"q", got.GammaGamma.Q, 3.74, 0.02}, {"v", got.GammaGamma.V, 15.45, 0.02},
		{"predicted_purchases", got.Holdout.PredictedPurchases, 1653, 0.01},
	} {
		if math.Abs(c.got-c.want) > c.tolerance*math.Abs(c.want) {
			t.Errorf("%s = %.5g, want %.5g within %g%%", c.name, c.got, c.want, 100*c.tolerance)
		}
	}
	if got.BGNBD.N != 2357 || got.GammaGamma.N != 946 || got.Holdout.Customers != 2357 || got.Holdout.ActualPurchases != 1882 {
		t.Errorf("counts: %+v", got)
	}
}
