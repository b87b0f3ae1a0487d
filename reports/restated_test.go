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
// nothing of it. A month re-sent twice names both runs. On a copy of the
// held workspace's lake (heldRun): February re-sent, March's summary.
func TestSummaryRestatedSinceLastReport(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	t.Parallel()
	dir := fixture.Copy(t, heldRun(t))
	cfg, p := newPipeline(t, filepath.Join(dir, "cs.yaml"))
	first := make([]*pipeline.Manifest, 2)
	for i, period := range []string{"2025-02", "2025-03"} {
		ms, err := pipeline.ReadManifests(cfg.Output, period)
		if err != nil || len(ms) != 1 {
			t.Fatalf("%s: %d manifests, %v; want the shared run's", period, len(ms), err)
		}
		first[i] = ms[0]
	}
	run := func(period string, want int) []*pipeline.Manifest {
		t.Helper()
		ms, err := p.Run(context.Background(), pipeline.RunOptions{Period: period})
		if err != nil || len(ms) != want {
			t.Fatalf("run: %d periods, %v; want %d", len(ms), err, want)
		}
		return ms
	}
	r, err := reports.New(reports.Options{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, Language: "en", BaseCurrency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	summary := func() string {
		t.Helper()
		res, err := r.Render(context.Background(), "2025-03", "")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(pdftotext(t, filepath.Join(res.Dir, "summary.pdf"))), " ")
	}
	if text := summary(); strings.Contains(text, "Restated") {
		t.Errorf("first report mentions a restatement:\n%s", text)
	}

	feed := filepath.Join(dir, "feeds", "2025-02", "good", "sales.csv")
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
	// February is re-sent by good with one amount changed (10.00 -> 12.50)
	// and rerun alone (--period: "requested"), then re-sent again (a second amount,
	// 10.00 -> 11.00) and the lake brought up to date (February and March):
	// both restatements of February are named, with their digests, March's
	// rerun with its reason, and the movements are the latest run's.
	sum0 := sum()
	change("good0,2025-02-01,Client 0,A1,1,10.00", "good0,2025-02-01,Client 0,A1,1,12.50")
	sum1 := sum()
	again := run("2025-02", 1)
	change("good1,2025-02-02,Client 1,A1,1,10.00", "good1,2025-02-02,Client 1,A1,1,11.00")
	sum2 := sum()
	third := run("", 2)
	text := summary()
	for _, want := range []string{
		"Restated since last report",
		fmt.Sprintf("February 2025: run %s replaces run %s (requested).", again[0].RunID, first[0].RunID),
		fmt.Sprintf("feeds/2025-02/good/sales.csv: sha256 %s…, now %s…", sum0[:12], sum1[:12]),
		fmt.Sprintf("February 2025: run %s replaces run %s (input changed: feeds/2025-02/good/sales.csv).", third[0].RunID, again[0].RunID),
		fmt.Sprintf("feeds/2025-02/good/sales.csv: sha256 %s…, now %s…", sum1[:12], sum2[:12]),
		fmt.Sprintf("March 2025: run %s replaces run %s (inside the history window of 2025-02, due too).", third[1].RunID, first[1].RunID),
		"Moved by the latest run: partners", "distributors 1; figures",
		"Largest movements",
		"2025-02 Good SA good Sales-out amount €302.50 €303.50 +€1.00",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "+€2.50") {
		t.Errorf("summary shows the movement of a replaced run:\n%s", text)
	}
}
