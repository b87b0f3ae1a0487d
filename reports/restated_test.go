package reports_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/reports"
)

// The summary of the latest month says which months were recomputed since
// the last report, why (the changed feed with its sha256 before and after,
// as the manifests hold them) and what moved; the first report says
// nothing of it. A month re-sent twice names both runs.
func TestSummaryRestatedSinceLastReport(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"cs.yaml": "workspace: .\noutput: out\ndistributors:\n  - id: dist\n    name: Dist SA\n" +
			"    columns: {invoice_id: invoice, invoice_date: date, reseller_name: customer, sku: sku, quantity: qty, amount: amount}\n",
		"reference/products.csv":    "sku,family,description,list_price,launch_date\nA1,toner,Toner,10.00,2020-01-01\n",
		"reference/partners.csv":    "partner_id,legal_name,trade_name,siren,siret,vat_id,address,postcode,city\nP1,Client 1 SAS,,,,,,,\n",
		"reference/sku_aliases.csv": "distributor,distributor_sku,sku\n",
		"reference/fx_rates.csv":    "month,currency,rate\n",
	}
	for _, period := range []string{"2025-01", "2025-02"} {
		var b strings.Builder
		b.WriteString("invoice,date,customer,sku,qty,amount\n")
		for i := range 20 {
			fmt.Fprintf(&b, "I%d,%s-%02d,Client %d,A1,1,10.00\n", i, period, 1+i, i%3)
		}
		files["feeds/"+period+"/dist/sales.csv"] = b.String()
	}
	fixture.WriteFiles(t, dir, files)
	cfg, p := newPipeline(t, filepath.Join(dir, "cs.yaml"))
	run := func(want int) []*pipeline.Manifest {
		t.Helper()
		ms, err := p.Run(context.Background(), pipeline.RunOptions{})
		if err != nil || len(ms) != want {
			t.Fatalf("run: %d periods, %v; want %d", len(ms), err, want)
		}
		return ms
	}
	r, err := reports.New(reports.Options{Output: cfg.Output, Language: "en", BaseCurrency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	summary := func() string {
		t.Helper()
		res, err := r.Render(context.Background(), "2025-02", "")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(pdftotext(t, filepath.Join(res.Dir, "summary.pdf"))), " ")
	}
	first := run(2)
	if text := summary(); strings.Contains(text, "Restated") {
		t.Errorf("first report mentions a restatement:\n%s", text)
	}

	// January is re-sent with one amount changed: 10.00 -> 12.50.
	feed := filepath.Join(dir, "feeds", "2025-01", "dist", "sales.csv")
	sum := func() string {
		t.Helper()
		data, err := os.ReadFile(feed)
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(data)
		return hex.EncodeToString(s[:])
	}
	change := func(from, to string) {
		t.Helper()
		data, err := os.ReadFile(feed)
		if err != nil || !strings.Contains(string(data), from) {
			t.Fatalf("%s lacks %q: %v", feed, from, err)
		}
		if err := os.WriteFile(feed, []byte(strings.Replace(string(data), from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum0 := sum()
	change("I0,2025-01-01,Client 0,A1,1,10.00", "I0,2025-01-01,Client 0,A1,1,12.50")
	sum1 := sum()
	again := run(2)
	text := summary()
	for _, want := range []string{
		"Restated since last report",
		fmt.Sprintf("January 2025: run %s replaces run %s (input changed: feeds/2025-01/dist/sales.csv).", again[0].RunID, first[0].RunID),
		fmt.Sprintf("feeds/2025-01/dist/sales.csv: sha256 %s…, now %s…", sum0[:12], sum1[:12]),
		fmt.Sprintf("February 2025: run %s replaces run %s (inside the history window of 2025-01, due too).", again[1].RunID, first[1].RunID),
		"Moved by the latest run: partners", "distributors 1; figures",
		"Largest movements",
		"2025-01 Dist SA dist Sales-out amount €200.00 €202.50 +€2.50",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}

	// Re-sent once more before the next report: both runs are named, the
	// movements are the latest run's.
	change("I1,2025-01-02,Client 1,A1,1,10.00", "I1,2025-01-02,Client 1,A1,1,11.00")
	sum2 := sum()
	third := run(2)
	text = summary()
	for _, want := range []string{
		fmt.Sprintf("January 2025: run %s replaces run %s (input changed: feeds/2025-01/dist/sales.csv).", again[0].RunID, first[0].RunID),
		fmt.Sprintf("feeds/2025-01/dist/sales.csv: sha256 %s…, now %s…", sum0[:12], sum1[:12]),
		fmt.Sprintf("January 2025: run %s replaces run %s (input changed: feeds/2025-01/dist/sales.csv).", third[0].RunID, again[0].RunID),
		fmt.Sprintf("feeds/2025-01/dist/sales.csv: sha256 %s…, now %s…", sum1[:12], sum2[:12]),
		"2025-01 Dist SA dist Sales-out amount €202.50 €203.50 +€1.00",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary after a second restatement lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "+€2.50") {
		t.Errorf("summary shows the movement of a replaced run:\n%s", text)
	}
}
